# The relay on Cloud Run: serves the SPA, signaling, the WebSocket fallback and /api/sessions, and holds each
# scene's Gemini Live upstream.
locals {
  relay_port = 8080

  relay_env = merge(var.extra_env, {
    # Set → production Firestore (Application Default Credentials = the service account below). Cloud Run does not
    # set it by itself, and without it the relay would try to start a local Firestore emulator.
    GOOGLE_CLOUD_PROJECT = var.project_id
    GEMINI_LIVE_MODEL    = var.gemini_live_model
    AUTH_MODE            = "google"
    GOOGLE_CLIENT_ID     = var.google_client_id
    ALLOWED_EMAILS       = var.allowed_emails
    ALLOWED_DOMAINS      = var.allowed_domains
    MAX_SESSIONS         = tostring(var.max_sessions_per_instance)
    SESSION_GRACE_MS     = tostring(var.session_grace_ms)
    SHUTDOWN_GRACE_MS    = tostring(var.shutdown_grace_ms)
    WS_KEEPALIVE_MS      = tostring(var.ws_keepalive_ms)
    TURN_URLS            = local.turn_urls
    TURN_TTL_S           = tostring(var.turn_ttl_s)
    # The budget's Pub/Sub push to /api/ops/budget closes the stage over budget (infra/slo.tf, kill switch).
    BUDGET_PUSH_AUDIENCE        = local.budget_push_audience
    BUDGET_PUSH_SERVICE_ACCOUNT = google_service_account.budget_push.email
    # Per-day limits in Firestore (relay/limits/daily-limits.ts).
    SCENES_PER_DAY        = tostring(var.scenes_per_day)
    AUDIO_MINUTES_PER_DAY = tostring(var.audio_minutes_per_day)
    DAILY_BUDGET_USD      = tostring(var.daily_budget_usd > 0 ? var.daily_budget_usd : var.monthly_budget_usd / 30)
  })
}

resource "google_service_account" "relay" {
  account_id   = "${var.service_name}-run"
  display_name = "Improv Olympics Live relay (Cloud Run)"
}

# Read and write sessions and turns.
resource "google_project_iam_member" "relay_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.relay.email}"
}

# Gemini through Vertex AI (service-account auth instead of an API key), only when asked for.
resource "google_project_iam_member" "relay_vertex" {
  count = var.use_vertex_ai ? 1 : 0

  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.relay.email}"
}

resource "google_cloud_run_v2_service" "relay" {
  name                = var.service_name
  location            = var.region
  # With the load balancer, only it (and so Cloud Armor) reaches the service.
  ingress             = local.front_door == 1 ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection

  template {
    service_account       = google_service_account.relay.email
    execution_environment = "EXECUTION_ENVIRONMENT_GEN2"
    # A scene's WebSocket (fallback transport) is one request; Cloud Run's maximum lets it last an hour.
    timeout = "3600s"
    # A reconnecting browser (resume token, same scene) must reach the instance that holds its scene.
    session_affinity                 = true
    max_instance_request_concurrency = var.max_concurrent_requests

    # Scale-in never takes an instance with live scenes: each scene keeps GET /api/scene-hold open on its
    # instance (relay/http/scene-hold-route.ts), so Cloud Run never sees it idle; a deploy or a forced stop sends
    # SIGTERM and relay/main.ts hands the scenes off (relay.draining) to the new revision within 10 s.
    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image

      ports {
        container_port = local.relay_port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        # CPU stays allocated outside requests: WebRTC scenes stream over data channels, not over HTTP requests,
        # so request-only CPU would freeze their audio. This also makes Cloud Run scale on CPU for them.
        cpu_idle          = false
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.relay_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_ids
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.relay[env.key].secret_id
              version = local.secret_versions[env.key]
            }
          }
        }
      }

      # Startup: /readyz, the relay's own "send me scenes" check (Firestore store up, upstream configured, not
      # draining). It answers only once main.ts has started persistence and the HTTP server.
      # There is no separate readiness probe here: Cloud Run's readiness probes are Preview (not in the GA
      # provider), so after startup an instance at MAX_SESSIONS refuses new scenes itself (503, the client retries).
      startup_probe {
        initial_delay_seconds = 0
        period_seconds        = 2
        timeout_seconds       = 2
        failure_threshold     = 30
        http_get {
          path = "/readyz"
          port = local.relay_port
        }
      }

      # Liveness: /healthz only. /readyz turns 503 when the instance is full, draining or has a Firestore backlog,
      # and restarting for those would cut every live scene on it.
      liveness_probe {
        initial_delay_seconds = 0
        period_seconds        = 10
        timeout_seconds       = 3
        failure_threshold     = 3
        http_get {
          path = "/healthz"
          port = local.relay_port
        }
      }
    }
  }

  traffic {
    type    = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
    percent = 100
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.relay_firestore,
    google_secret_manager_secret_iam_member.relay_reads,
    google_firestore_database.main,
  ]
}

# Players open the app without a Google account.
resource "google_cloud_run_v2_service_iam_member" "public" {
  name     = google_cloud_run_v2_service.relay.name
  location = google_cloud_run_v2_service.relay.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Optional custom domain. Cloud Run answers with the DNS records to create (output `domain_dns_records`).
resource "google_cloud_run_domain_mapping" "app" {
  count = var.domain == "" ? 0 : 1

  name     = var.domain
  location = var.region

  metadata {
    namespace = var.project_id
  }

  spec {
    route_name = google_cloud_run_v2_service.relay.name
  }
}
