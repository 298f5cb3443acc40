variable "project_id" {
  description = "Google Cloud project that hosts everything."
  type        = string
}

variable "region" {
  description = "Region for Cloud Run, Artifact Registry, the TURN server's address and (by default) Firestore."
  type        = string
  default     = "us-central1"
}

variable "service_name" {
  description = "Cloud Run service name (also names the service account, the image repository and the alerts)."
  type        = string
  default     = "improv-relay"
}

variable "image" {
  description = "Relay image, e.g. us-central1-docker.pkg.dev/PROJECT/improv-relay/relay@sha256:... (a digest makes rollbacks exact)."
  type        = string
}

# --- Cloud Run sizing -------------------------------------------------------------------------------------------

variable "min_instances" {
  description = "Warm instances: 2 = no cold start for the first scene and a second instance to hand scenes to on a deploy or a crash (docs/capacity.md)."
  type        = number
  default     = 2
}

variable "max_instances" {
  description = "Upper bound on instances: 30 x 40 sessions = 1,200 scenes, 1,000 concurrent players plus 20% (docs/capacity.md); the 'instances near max' alert fires at 80%."
  type        = number
  default     = 30
}

variable "cpu" {
  description = "vCPUs per instance. The bench measured 17-22 ms CPU per session-second (MC voiced), i.e. 45-57 sessions per vCPU at 100% (docs/capacity.md)."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory per instance: ~150 MB base + 2.6-3.7 MB per session + the MC speech cache (16 MB); 40 sessions peak near 300 MB, 1Gi leaves GC headroom."
  type        = string
  default     = "1Gi"
}

variable "max_sessions_per_instance" {
  description = "MAX_SESSIONS: scenes one instance accepts. 40 = ~70-90% of one vCPU at the measured 17-22 ms CPU per session-second, and near the relay-added p99 < 2 ms knee (docs/capacity.md)."
  type        = number
  default     = 40
}

variable "max_concurrent_requests" {
  description = "Cloud Run request concurrency per instance: per scene one /api/scene-hold plus (fallback) one WebSocket, plus short signaling/history calls: 2 x MAX_SESSIONS + 20."
  type        = number
  default     = 100
}

# --- Relay settings ---------------------------------------------------------------------------------------------

variable "gemini_live_model" {
  description = "GEMINI_LIVE_MODEL (relay/live/models.ts names the same default, with the doc it was checked against)."
  type        = string
  default     = "gemini-3.8-live"
}

variable "google_client_id" {
  description = "GOOGLE_CLIENT_ID: the OAuth web client id players sign in with (AUTH_MODE=google; the relay refuses to start in production without it)."
  type        = string
}

variable "allowed_emails" {
  description = "ALLOWED_EMAILS: comma-separated accounts that may play (empty with allowed_domains empty = any verified Google account)."
  type        = string
  default     = ""
}

variable "allowed_domains" {
  description = "ALLOWED_DOMAINS: comma-separated e-mail domains that may play."
  type        = string
  default     = ""
}

variable "session_grace_ms" {
  description = "SESSION_GRACE_MS: how long a scene whose browser dropped keeps its Gemini upstream, waiting for a resume."
  type        = number
  default     = 30000
}

variable "shutdown_grace_ms" {
  description = "SHUTDOWN_GRACE_MS: time SIGTERM gives scenes to wind down. Cloud Run kills the container 10 s after SIGTERM."
  type        = number
  default     = 5000

  validation {
    condition     = var.shutdown_grace_ms >= 0 && var.shutdown_grace_ms < 10000
    error_message = "shutdown_grace_ms must be below 10000: Cloud Run sends SIGKILL 10 s after SIGTERM."
  }
}

variable "ws_keepalive_ms" {
  description = "WS_KEEPALIVE_MS: WebSocket ping interval, below the front end's idle cut-off."
  type        = number
  default     = 25000
}

variable "turn_ttl_s" {
  description = "TURN_TTL_S: lifetime of the TURN credentials the relay mints."
  type        = number
  default     = 3600
}

variable "relay_secret_version" {
  description = "RELAY_SECRET version every instance uses. Pinned (not 'latest') so all instances verify each other's resume tokens and cookies."
  type        = string
  default     = "1"
}

variable "extra_env" {
  description = "More plain environment variables for the relay (e.g. LOG_LEVEL, GEMINI_VOICE, GEMINI_TEXT_MODEL)."
  type        = map(string)
  default     = {}
}

variable "domain" {
  description = "Custom domain for the app (Cloud Run domain mapping); empty = use the run.app URL."
  type        = string
  default     = ""
}

variable "deletion_protection" {
  description = "Protects the Cloud Run service and the Firestore database from `terraform destroy`."
  type        = bool
  default     = true
}

# --- Firestore --------------------------------------------------------------------------------------------------

variable "firestore_location" {
  description = "Firestore location (e.g. nam5, eur3, us-central1); empty = var.region. Cannot change after creation."
  type        = string
  default     = ""
}

variable "firestore_pitr" {
  description = "Point-in-time recovery (7 days of versions) on the Firestore database, for rolling data back."
  type        = bool
  default     = true
}

# --- TURN -------------------------------------------------------------------------------------------------------

variable "turn_machine_type" {
  description = "TURN machine type. Every WebRTC scene is relayed (~25 kbps each way while speaking); e2-small carries hundreds."
  type        = string
  default     = "e2-small"
}

variable "turn_domain" {
  description = "DNS name pointing at the TURN address. Set → coturn gets a Let's Encrypt certificate and turns:...:443 is offered (corporate networks allow 443)."
  type        = string
  default     = ""
}

variable "turn_realm" {
  description = "coturn realm; empty = turn_domain, or the service name."
  type        = string
  default     = ""
}

variable "turn_allowed_peer_ips" {
  description = "coturn allowed-peer-ip entries (IP or 'a.b.c.d-e.f.g.h') re-allowed inside the denied private ranges, e.g. a VPC subnet the relay egresses from."
  type        = list(string)
  default     = []
}

variable "network" {
  description = "VPC network of the TURN VM."
  type        = string
  default     = "default"
}

# --- Monitoring -------------------------------------------------------------------------------------------------

variable "notification_channels" {
  description = "Existing Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alerts notify."
  type        = list(string)
  default     = []
}

variable "alert_email" {
  description = "Also create an e-mail notification channel for this address; empty = none."
  type        = string
  default     = ""
}

variable "alert_5xx_ratio" {
  description = "Alert when this fraction of requests answer 5xx over 5 minutes."
  type        = number
  default     = 0.05
}

variable "alert_latency_p95_ms" {
  description = "Alert when p95 request latency (WebSocket upgrades excluded) stays above this for 5 minutes."
  type        = number
  default     = 1000
}

variable "alert_upstream_unavailable_per_5m" {
  description = "Alert when more scenes than this end with upstream.unavailable (Gemini unreachable) within 5 minutes."
  type        = number
  default     = 3
}

# --- Operations: scale-in, cost, front door ----------------------------------------------------------------------

variable "use_vertex_ai" {
  description = "Grant the relay's service account roles/aiplatform.user (Gemini through Vertex AI instead of an API key)."
  type        = bool
  default     = false
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget; empty = no budget (and no automatic kill switch)."
  type        = string
  default     = ""
}

variable "monthly_budget_usd" {
  description = "Monthly budget. 80% notifies; 100% also publishes to the kill-switch topic (new scenes refused). Default: docs/capacity.md, 50 concurrent players at 25% occupancy."
  type        = number
  default     = 12000
}

variable "daily_cost_plan_usd" {
  description = "Planned Gemini cost per day (from the per-turn log events); the cost alert fires at 120% of it. 300 = 50 players at 25% occupancy (docs/capacity.md)."
  type        = number
  default     = 300
}

variable "slo_availability" {
  description = "Availability SLO: share of requests (no WebSocket upgrades, no scene holds) answered without 5xx, over 28 days."
  type        = number
  default     = 0.995
}

variable "slo_voice_to_voice_ms" {
  description = "Latency SLO threshold: voice-to-voice (end of speech to first partner audio), from the per-turn log events."
  type        = number
  default     = 1000
}

variable "slo_voice_to_voice_goal" {
  description = "Share of turns within slo_voice_to_voice_ms (the original plan: 95% of responses < 1 s)."
  type        = number
  default     = 0.95
}

variable "runbook_url" {
  description = "Where docs/runbook.md is readable by the on-call (each alert links a section of it)."
  type        = string
  default     = "https://github.com/improv-olympics/live/blob/main/docs/runbook.md"
}

variable "enable_load_balancer" {
  description = "Put an external HTTPS load balancer with Cloud Armor in front of Cloud Run (needs var.domain)."
  type        = bool
  default     = false
}

variable "armor_rate_limit_per_minute" {
  description = "Cloud Armor: requests per minute one client IP may make before it is throttled (429)."
  type        = number
  default     = 300
}

variable "turn_instances" {
  description = "coturn instances in the regional managed instance group (spread over zones)."
  type        = number
  default     = 2
}

variable "scenes_per_day" {
  description = "SCENES_PER_DAY: new scenes a signed-in player may start per UTC day (0 = no limit)."
  type        = number
  default     = 10
}

variable "audio_minutes_per_day" {
  description = "AUDIO_MINUTES_PER_DAY: minutes a player may speak per UTC day (0 = no limit)."
  type        = number
  default     = 60
}

variable "daily_budget_usd" {
  description = "DAILY_BUDGET_USD: new scenes are refused once today's estimated spend passes it. 0 = the monthly budget / 30."
  type        = number
  default     = 0
}
