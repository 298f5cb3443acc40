// Numbers client and relay agree on. Units are in the names.

// 2: lines are acknowledged (`line.ack`) and resent after a drop (`utterance.start.resent`, FrameFlag.Resent).
export const PROTOCOL_VERSION = 2;

/** Player uplink: the browser encodes 16 kHz mono Opus, the relay decodes straight to PCM16 16 kHz for Live. */
export const UPLINK_SAMPLE_RATE_HZ = 16_000;
export const UPLINK_BITRATE_BPS = 24_000;
/** Live answers in PCM16 24 kHz; the relay encodes that straight to Opus for the browser. */
export const DOWNLINK_SAMPLE_RATE_HZ = 24_000;
export const DOWNLINK_BITRATE_BPS = 32_000;
/** Every Opus packet on the wire holds one 20 ms frame. */
export const OPUS_FRAME_MS = 20;
export const UPLINK_SAMPLES_PER_FRAME = (UPLINK_SAMPLE_RATE_HZ * OPUS_FRAME_MS) / 1000; // 320
export const DOWNLINK_SAMPLES_PER_FRAME = (DOWNLINK_SAMPLE_RATE_HZ * OPUS_FRAME_MS) / 1000; // 480
/** Browsers' Opus decoder outputs 48 kHz whatever it is configured with. */
export const PLAYBACK_SAMPLE_RATE_HZ = 48_000;

/** An Opus packet is at most 1275 bytes (RFC 6716); anything larger is not one frame of ours. */
export const MAX_OPUS_PACKET_BYTES = 1275;
export const MAX_CONTROL_MESSAGE_BYTES = 16 * 1024;

/** Data channel labels. */
export const AUDIO_CHANNEL_LABEL = 'audio';
export const CONTROL_CHANNEL_LABEL = 'control';

/** Client VAD tuning (vad-web 0.0.31 takes milliseconds). */
// End-of-speech hangover: added to every reply's latency. 500 ms bridges the ~400 ms pauses people
// leave between sentences of one turn (the fixtures have one); 400 split such a turn on some runs.
export const VAD_REDEMPTION_MS = 500;
export const VAD_PRE_SPEECH_PAD_MS = 300; // pre-roll so the first syllable survives
export const VAD_MIN_SPEECH_MS = 160; // shorter blips are misfires and never leave the browser

/** Playback jitter buffer. */
export const JITTER_TARGET_MIN_MS = 40;
export const JITTER_TARGET_MAX_MS = 60;

/** Heartbeat on `control`. */
export const HEARTBEAT_INTERVAL_MS = 1_000;
export const HEARTBEAT_TIMEOUT_MS = 4_000;

/**
 * The client's outbox of lines (utterances) not yet acknowledged: what a drop can cost is bounded. A line that
 * ended longer ago than this when the connection returns is not sent (the scene has moved on): the stage says
 * so and the transcript marks it.
 */
export const OUTBOX_MAX_LINE_AGE_MS = 20_000;
/** Memory bound: ~17 s of speech at UPLINK_BITRATE_BPS with frame headers; the oldest lines go first. */
export const OUTBOX_MAX_BYTES = 60 * 1024;
/**
 * A resent line's frames go out at most this many times faster than real time (4 s of speech in 1 s), so a
 * resend neither floods the lossy `audio` channel nor looks like a flood to the relay's uplink limit: the relay
 * may allow FrameFlag.Resent frames this much catch-up, for at most OUTBOX_MAX_BYTES per drop.
 */
export const RESEND_MAX_SPEEDUP = 4;
