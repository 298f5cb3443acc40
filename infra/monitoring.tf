# Uptime, error rate, capacity, latency and Gemini reachability for the relay.
locals {
  run_filter = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${var.service_name}\""
  # The host players use: the custom domain, else the run.app URL's host.
  app_host = var.domain != "" ? var.domain : trimsuffix(trimprefix(google_cloud_run_v2_service.relay.uri, "https://"), "/")
  alert_channels = concat(
    var.notification_channels,
    [for channel in google_monitoring_notification_channel.email : channel.id],
  )
}

resource "google_monitoring_notification_channel" "email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "${var.service_name} alerts"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.enabled]
}

# /healthz from several regions every minute.
resource "google_monitoring_uptime_check_config" "healthz" {
  display_name = "${var.service_name} /healthz"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path         = "/healthz"
    port         = 443
    use_ssl      = true
    validate_ssl = true
    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.app_host
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "uptime" {
  display_name          = "${var.service_name}: /healthz failing"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "The relay does not answer /healthz. Runbook: ${local.runbook}#relay-down"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "uptime check failing from 2+ regions"
    condition_threshold {
      filter          = "metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type = \"uptime_url\" AND metric.labels.check_id = \"${google_monitoring_uptime_check_config.healthz.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "180s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }
    }
  }
}

# 5xx share of all requests (the relay answers 503 when it is draining or full, so a short blip is normal).
resource "google_monitoring_alert_policy" "errors_5xx" {
  display_name          = "${var.service_name}: 5xx rate above ${var.alert_5xx_ratio * 100}%"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Requests fail with 5xx. Runbook: ${local.runbook}#errors-5xx"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "5xx / all requests"
    condition_threshold {
      filter             = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      denominator_filter = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.alert_5xx_ratio
      duration           = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
      denominator_aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
}

# The service sits at max_instances: new scenes are being refused or squeezed; raise max_instances.
resource "google_monitoring_alert_policy" "instances_at_max" {
  display_name          = "${var.service_name}: instances at max (${var.max_instances})"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "The fleet sits at max_instances. Runbook: ${local.runbook}#instances-near-max"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "instance count >= max_instances for 10 minutes"
    condition_threshold {
      filter          = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/instance_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.max_instances - 0.5
      duration        = "600s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
}

# p95 of request latency. WebSocket requests (response 101) last the whole scene, so they are left out; what stays
# is signaling, the history API and static files.
resource "google_monitoring_alert_policy" "latency_p95" {
  display_name          = "${var.service_name}: p95 request latency above ${var.alert_latency_p95_ms} ms"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Signaling/history requests are slow. Runbook: ${local.runbook}#slow-requests"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "p95 request latency (no WebSockets)"
    condition_threshold {
      filter          = "${local.run_filter} AND metric.type = \"run.googleapis.com/request_latencies\" AND metric.labels.response_code != \"101\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.alert_latency_p95_ms
      duration        = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_PERCENTILE_95"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
}

# Scenes the relay ended for infrastructure reasons, from its JSON logs (relay/log.ts: one object per line on
# stderr; Cloud Run puts it in jsonPayload and reads `severity`). relay/session/session.ts logs every end as
# {"severity":"INFO","msg":"session ended","reason":"<code>",...}; reason is the error code when the relay ended
# the scene: relay.draining (instance shutting down: deploys, scale-in) or upstream.unavailable (Gemini unreachable).
resource "google_logging_metric" "sessions_ended_by_relay" {
  name        = "${var.service_name}/sessions_ended_by_relay"
  description = "Scenes ended with relay.draining or upstream.unavailable, by reason."
  filter      = "${local.run_filter} AND jsonPayload.msg = \"session ended\" AND jsonPayload.reason = (\"relay.draining\" OR \"upstream.unavailable\")"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "reason"
      value_type  = "STRING"
      description = "relay.draining or upstream.unavailable"
    }
  }

  label_extractors = {
    reason = "EXTRACT(jsonPayload.reason)"
  }

  depends_on = [google_project_service.enabled]
}

# relay.draining is expected on every deploy and scale-in; upstream.unavailable is not.
resource "google_monitoring_alert_policy" "upstream_unavailable" {
  display_name          = "${var.service_name}: scenes losing Gemini (upstream.unavailable)"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Scenes end because Gemini is unreachable. Runbook: ${local.runbook}#gemini-errors"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "scenes ended with upstream.unavailable in 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.sessions_ended_by_relay.name}\" AND metric.labels.reason = \"upstream.unavailable\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.alert_upstream_unavailable_per_5m
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

# The TURN load balancer answers on 3478/tcp (coturn serves UDP on the same port).
resource "google_monitoring_uptime_check_config" "turn" {
  display_name = "${var.service_name} TURN 3478/tcp"
  timeout      = "10s"
  period       = "60s"

  tcp_check {
    port = 3478
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = google_compute_address.turn.address
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "turn_down" {
  display_name          = "${var.service_name}: TURN server unreachable"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "The TURN load balancer does not answer. Runbook: ${local.runbook}#turn-down"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "TURN uptime check failing from 2+ regions"
    condition_threshold {
      filter          = "metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type = \"uptime_url\" AND metric.labels.check_id = \"${google_monitoring_uptime_check_config.turn.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "180s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }
    }
  }
}
