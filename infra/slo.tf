# SLOs from the original plan (availability 99.5%, 95% of responses < 1 s) with multi-window burn-rate alerts,
# and the operator's dashboard.
resource "google_monitoring_custom_service" "relay" {
  service_id   = "${var.service_name}-slo"
  display_name = "${var.service_name} (relay)"

  depends_on = [google_project_service.enabled]
}

# Requests answered without 5xx; scene holds and WebSockets (101) last a whole scene and are left out.
resource "google_monitoring_slo" "availability" {
  service             = google_monitoring_custom_service.relay.service_id
  slo_id              = "availability"
  display_name        = "${var.slo_availability * 100}% of requests without 5xx (28 days)"
  goal                = var.slo_availability
  rolling_period_days = 28

  request_based_sli {
    good_total_ratio {
      total_service_filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code != \"101\""
      bad_service_filter   = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
    }
  }
}

# Voice-to-voice within the threshold for the goal share of partner turns.
resource "google_monitoring_slo" "voice_to_voice" {
  service             = google_monitoring_custom_service.relay.service_id
  slo_id              = "voice-to-voice"
  display_name        = "${var.slo_voice_to_voice_goal * 100}% of replies voice-to-voice < ${var.slo_voice_to_voice_ms} ms (28 days)"
  goal                = var.slo_voice_to_voice_goal
  rolling_period_days = 28

  request_based_sli {
    distribution_cut {
      distribution_filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.voice_to_voice.name}\""
      range {
        min = 0
        max = var.slo_voice_to_voice_ms
      }
    }
  }
}

locals {
  # Google SRE workbook: page at 14.4x over 1 h (2% of a 30-day budget), ticket at 6x over 6 h (5%).
  burn_rate_alerts = {
    for pair in setproduct(["availability", "voice_to_voice"], ["fast", "slow"]) : "${pair[0]}_${pair[1]}" => {
      slo       = pair[0] == "availability" ? google_monitoring_slo.availability.id : google_monitoring_slo.voice_to_voice.id
      name      = pair[0]
      window    = pair[1] == "fast" ? "3600s" : "21600s"
      threshold = pair[1] == "fast" ? 14.4 : 6
      section   = pair[0] == "availability" ? "slo-availability" : "slo-voice-to-voice"
    }
  }
}

resource "google_monitoring_alert_policy" "slo_burn" {
  for_each = local.burn_rate_alerts

  display_name          = "${var.service_name}: ${each.value.name} SLO burning ${each.value.threshold}x over ${each.value.window}"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "The ${each.value.name} error budget burns ${each.value.threshold}x too fast. Runbook: ${local.runbook}#${each.value.section}"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "burn rate > ${each.value.threshold} over ${each.value.window}"
    condition_threshold {
      filter          = "select_slo_burn_rate(\"${each.value.slo}\", \"${each.value.window}\")"
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"
    }
  }
}

# --- Budget and kill switch ------------------------------------------------------------------------------------

# Budget notifications land here and are pushed to the relay's POST /api/ops/budget, which closes the stage (the
# Firestore document ops/stage every instance polls) at 100%: new scenes refused, live ones finish. The next
# month's first notification under budget opens it again. docs/runbook.md#kill-switch.
resource "google_pubsub_topic" "kill_switch" {
  name = "${var.service_name}-kill-switch"

  depends_on = [google_project_service.enabled]
}

locals {
  # Any fixed string: the relay accepts push tokens for this audience signed for the account below, and no other.
  budget_push_audience = "${var.service_name}-budget-push"
}

# The identity Pub/Sub signs its pushes as; it has no roles of its own.
resource "google_service_account" "budget_push" {
  account_id   = "${var.service_name}-budget"
  display_name = "Improv Olympics Live budget push (Pub/Sub to the relay)"
}

# Pub/Sub's service agent mints the push's OIDC tokens for that account.
resource "google_service_account_iam_member" "budget_push_token_creator" {
  service_account_id = google_service_account.budget_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${data.google_project.current.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_subscription" "kill_switch_push" {
  name  = "${var.service_name}-kill-switch-push"
  topic = google_pubsub_topic.kill_switch.id

  ack_deadline_seconds       = 30
  message_retention_duration = "86400s"

  push_config {
    push_endpoint = "${google_cloud_run_v2_service.relay.uri}/api/ops/budget"
    oidc_token {
      service_account_email = google_service_account.budget_push.email
      audience              = local.budget_push_audience
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  depends_on = [google_service_account_iam_member.budget_push_token_creator]
}

data "google_project" "current" {
  project_id = var.project_id
}

resource "google_billing_budget" "monthly" {
  count = var.billing_account == "" ? 0 : 1

  billing_account = var.billing_account
  display_name    = "${var.service_name} monthly"

  budget_filter {
    projects = ["projects/${data.google_project.current.number}"]
  }

  amount {
    specified_amount {
      currency_code = "USD"
      units         = tostring(var.monthly_budget_usd)
    }
  }

  threshold_rules {
    threshold_percent = 0.8
  }
  threshold_rules {
    threshold_percent = 1.0
  }

  all_updates_rule {
    pubsub_topic                     = google_pubsub_topic.kill_switch.id
    monitoring_notification_channels = local.alert_channels
    disable_default_iam_recipients   = false
  }
}

# --- Dashboard -------------------------------------------------------------------------------------------------

locals {
  log_metric = "logging.googleapis.com/user"
  dashboard_widgets = [
    { title = "Instances", filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/instance_count\"", aligner = "ALIGN_MAX", reducer = "REDUCE_SUM" },
    { title = "Connections (concurrent requests: scene holds + WebSockets)", filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/max_request_concurrencies\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99" },
    { title = "Voice-to-voice p50", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.voice_to_voice.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
    { title = "Voice-to-voice p95", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.voice_to_voice.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_95" },
    { title = "Voice-to-voice p99", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.voice_to_voice.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_99" },
    { title = "Model response p95 (relay-measured)", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.model_response.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_95" },
    { title = "CPU utilization p95", filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/cpu/utilizations\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_95" },
    { title = "Memory utilization p95", filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/memory/utilizations\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_95" },
    { title = "5xx per second", filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM" },
    { title = "Gemini errors", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.gemini_errors.name}\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM" },
    { title = "Firestore write failures", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.firestore_write_failures.name}\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM" },
    { title = "Token cost per turn p50 (USD)", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.turn_cost.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
    { title = "Cost per scene p50 (USD)", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.scene_cost.name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
    { title = "Input audio tokens per turn p50", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.turn_tokens["input_audio"].name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
    { title = "Output audio tokens per turn p50", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.turn_tokens["output_audio"].name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
    { title = "Text tokens per turn p50", filter = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.log_metric}/${google_logging_metric.turn_tokens["text"].name}\"", aligner = "ALIGN_DELTA", reducer = "REDUCE_PERCENTILE_50" },
  ]
}

resource "google_monitoring_dashboard" "relay" {
  dashboard_json = jsonencode({
    displayName = "${var.service_name}: scenes, latency, cost"
    mosaicLayout = {
      columns = 12
      tiles = [for index, widget in local.dashboard_widgets : {
        xPos   = (index % 3) * 4
        yPos   = floor(index / 3) * 4
        width  = 4
        height = 4
        widget = {
          title = widget.title
          xyChart = {
            dataSets = [{
              plotType = "LINE"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = widget.filter
                  aggregation = {
                    alignmentPeriod    = "60s"
                    perSeriesAligner   = widget.aligner
                    crossSeriesReducer = widget.reducer
                  }
                }
              }
            }]
          }
        }
      }]
    }
  })

  depends_on = [google_project_service.enabled]
}
