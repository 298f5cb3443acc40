# What an operator needs on day one: log-based metrics from the relay's per-turn and per-scene events
# (relay/metrics/turn-log-event.ts), a dashboard, SLOs with burn-rate alerts, alerts for Gemini, Firestore and
# capacity, and a budget whose 100% threshold publishes to the kill-switch topic. Every alert links a section of
# docs/runbook.md.
locals {
  runbook     = var.runbook_url
  turn_filter = "${local.run_filter} AND jsonPayload.msg = \"turn completed\""
  scene_filter = "${local.run_filter} AND jsonPayload.msg = \"scene completed\""
  ms_buckets = {
    growth_factor      = 1.4
    num_finite_buckets = 30
    scale              = 10
  }
}

# --- Log-based metrics -----------------------------------------------------------------------------------------

# End of the player's speech → first partner sound, measured by the browser (playback.started).
resource "google_logging_metric" "voice_to_voice" {
  name            = "${var.service_name}/voice_to_voice_ms"
  description     = "Voice-to-voice per partner turn (ms), from the relay's 'turn completed' events."
  filter          = "${local.turn_filter} AND jsonPayload.voiceToVoiceMs >= 0"
  value_extractor = "EXTRACT(jsonPayload.voiceToVoiceMs)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "ms"
  }

  bucket_options {
    exponential_buckets {
      growth_factor      = local.ms_buckets.growth_factor
      num_finite_buckets = local.ms_buckets.num_finite_buckets
      scale              = local.ms_buckets.scale
    }
  }

  depends_on = [google_project_service.enabled]
}

# End of speech → first partner frame sent by the relay: model latency plus the relay's own share.
resource "google_logging_metric" "model_response" {
  name            = "${var.service_name}/model_response_ms"
  description     = "Relay-measured response time per partner turn (ms): mostly the model's first-audio latency."
  filter          = "${local.turn_filter} AND jsonPayload.relayResponseMs >= 0"
  value_extractor = "EXTRACT(jsonPayload.relayResponseMs)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "ms"
  }

  bucket_options {
    exponential_buckets {
      growth_factor      = local.ms_buckets.growth_factor
      num_finite_buckets = local.ms_buckets.num_finite_buckets
      scale              = local.ms_buckets.scale
    }
  }

  depends_on = [google_project_service.enabled]
}

# Tokens by modality, one metric each (a log-based metric extracts one value).
resource "google_logging_metric" "turn_tokens" {
  for_each = {
    input_audio  = "inputAudioTokens"
    output_audio = "outputAudioTokens"
    text         = "textTokens"
  }

  name            = "${var.service_name}/tokens_${each.key}"
  description     = "Gemini ${each.key} tokens per partner turn."
  filter          = local.turn_filter
  value_extractor = "EXTRACT(jsonPayload.${each.value})"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
  }

  bucket_options {
    exponential_buckets {
      growth_factor      = 2
      num_finite_buckets = 20
      scale              = 1
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_logging_metric" "turn_cost" {
  name            = "${var.service_name}/turn_cost_usd"
  description     = "Estimated Gemini cost per partner turn (USD, relay/store/pricing.ts)."
  filter          = local.turn_filter
  value_extractor = "EXTRACT(jsonPayload.costUsd)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "USD"
  }

  bucket_options {
    exponential_buckets {
      growth_factor      = 2
      num_finite_buckets = 24
      scale              = 0.00001
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_logging_metric" "scene_cost" {
  name            = "${var.service_name}/scene_cost_usd"
  description     = "Estimated Gemini cost per scene (USD), from 'scene completed', by how the scene ended."
  filter          = local.scene_filter
  value_extractor = "EXTRACT(jsonPayload.costUsd)"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "USD"
    labels {
      key         = "reason"
      value_type  = "STRING"
      description = "how the scene ended"
    }
  }

  label_extractors = {
    reason = "EXTRACT(jsonPayload.reason)"
  }

  bucket_options {
    exponential_buckets {
      growth_factor      = 2
      num_finite_buckets = 24
      scale              = 0.0001
    }
  }

  depends_on = [google_project_service.enabled]
}

# Writes Firestore refused for good, or the write queue refusing writes at its memory cap
# (relay/store/firestore-session-store.ts logs both at ERROR).
resource "google_logging_metric" "firestore_write_failures" {
  name        = "${var.service_name}/firestore_write_failures"
  description = "Firestore writes the relay dropped or refused."
  filter      = "${local.run_filter} AND severity >= ERROR AND jsonPayload.msg = (\"a write Firestore refused for good was dropped\" OR \"write queue at its memory cap: write refused\")"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }

  depends_on = [google_project_service.enabled]
}

# Gemini errors: upstream failures the relay logs (connect, resume, abnormal close) and quota refusals.
resource "google_logging_metric" "gemini_errors" {
  name        = "${var.service_name}/gemini_errors"
  description = "Gemini Live connect/resume failures and abnormal closes, by error code."
  filter      = "${local.run_filter} AND jsonPayload.msg = (\"upstream connect failed\" OR \"upstream resume failed\" OR \"upstream closed abnormally\")"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "code"
      value_type  = "STRING"
      description = "upstream.quota, upstream.unavailable, upstream.error"
    }
  }

  label_extractors = {
    code = "EXTRACT(jsonPayload.error.code)"
  }

  depends_on = [google_project_service.enabled]
}

# --- Alerts (each links its runbook section) --------------------------------------------------------------------

resource "google_monitoring_alert_policy" "gemini_quota" {
  display_name          = "${var.service_name}: Gemini quota refusals"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Gemini refuses for quota: new scenes fail. Runbook: ${local.runbook}#gemini-quota"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "any upstream.quota in 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.gemini_errors.name}\" AND metric.labels.code = \"upstream.quota\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "gemini_errors" {
  display_name          = "${var.service_name}: Gemini errors"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Gemini Live connects, resumes or streams fail. Runbook: ${local.runbook}#gemini-errors"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "more than 10 upstream failures in 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.gemini_errors.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 10
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "firestore_write_failures" {
  display_name          = "${var.service_name}: Firestore write failures"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Turns are not being saved. Runbook: ${local.runbook}#firestore-write-failures"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "any dropped or refused write in 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.firestore_write_failures.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "instances_near_max" {
  display_name          = "${var.service_name}: instances above 80% of max"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "The fleet nears max_instances; new scenes will be refused soon. Runbook: ${local.runbook}#instances-near-max"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "instance count > 80% of max_instances for 5 minutes"
    condition_threshold {
      filter          = "${local.run_filter} AND metric.type = \"run.googleapis.com/container/instance_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.max_instances * 0.8
      duration        = "300s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
}

resource "google_monitoring_alert_policy" "voice_to_voice_p95" {
  display_name          = "${var.service_name}: voice-to-voice p95 above 2 s"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Players wait too long for the partner. Runbook: ${local.runbook}#slow-replies"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "p95 voice-to-voice > 2000 ms for 10 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.voice_to_voice.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 2000
      duration        = "600s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_PERCENTILE_95"
      }
    }
  }
}

# Daily Gemini cost above 120% of plan, from the per-turn cost estimates.
resource "google_monitoring_alert_policy" "daily_cost" {
  display_name          = "${var.service_name}: daily Gemini cost above 120% of plan"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Spend runs ahead of plan (${var.daily_cost_plan_usd} USD/day). Runbook: ${local.runbook}#cost-over-plan"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "turn cost over 24 h > 120% of the daily plan"
    condition_monitoring_query_language {
      query    = "fetch cloud_run_revision | metric 'logging.googleapis.com/user/${google_logging_metric.turn_cost.name}' | align delta(1d) | every 1h | group_by [], [cost: sum(sum_from(value.turn_cost_usd))] | condition cost > ${var.daily_cost_plan_usd * 1.2}"
      duration = "0s"
    }
  }
}

# Scene spikes: scenes completed per 5 minutes far above the fleet's sizing (abuse, a bot, a launch).
resource "google_monitoring_alert_policy" "scene_spike" {
  display_name          = "${var.service_name}: scene spike"
  combiner              = "OR"
  notification_channels = local.alert_channels

  documentation {
    content   = "Scenes per 5 minutes exceed what max_instances x MAX_SESSIONS can hold. Runbook: ${local.runbook}#scene-spike"
    mime_type = "text/markdown"
  }

  conditions {
    display_name = "scenes completed in 5 min > max fleet scenes"
    condition_monitoring_query_language {
      query    = "fetch cloud_run_revision | metric 'logging.googleapis.com/user/${google_logging_metric.scene_cost.name}' | align delta(5m) | every 5m | group_by [], [scenes: sum(count_from(value.scene_cost_usd))] | condition scenes > ${var.max_instances * var.max_sessions_per_instance}"
      duration = "0s"
    }
  }
}
