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
  description = "Warm instances. 1 keeps the first scene free of a cold start (the image loads tsx and compiles TS at boot)."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Upper bound on instances; the 'instances at max' alert fires when the service sits here."
  type        = number
  default     = 10
}

variable "cpu" {
  description = "vCPUs per instance. The bench measured ~13 ms CPU per session-second, i.e. ~75 sessions per vCPU at 100%."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory per instance (the bench measured < 1 MB RSS per session plus ~150 MB base)."
  type        = string
  default     = "1Gi"
}

variable "max_sessions_per_instance" {
  description = "MAX_SESSIONS: scenes one instance accepts. 60 = 80% of the bench's ~75 per vCPU, headroom for GC and Opus bursts."
  type        = number
  default     = 60
}

variable "max_concurrent_requests" {
  description = "Cloud Run request concurrency per instance: one long request per WebSocket-fallback scene plus short signaling/history calls."
  type        = number
  default     = 80
}

# --- Relay settings ---------------------------------------------------------------------------------------------

variable "gemini_live_model" {
  description = "GEMINI_LIVE_MODEL."
  type        = string
  default     = "gemini-2.5-flash-native-audio-preview-09-2025"
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

variable "turn_zone" {
  description = "Zone of the TURN VM; empty = <region>-b."
  type        = string
  default     = ""
}

variable "turn_machine_type" {
  description = "TURN VM machine type. Each relayed scene is ~25 kbps each way; e2-small carries hundreds."
  type        = string
  default     = "e2-small"
}

variable "turn_domain" {
  description = "DNS name pointing at the TURN address. Set → coturn gets a Let's Encrypt certificate and turns:...:5349 is offered."
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
