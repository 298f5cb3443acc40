# Optional external HTTPS load balancer in front of Cloud Run, with Cloud Armor: a per-IP rate limit and the
# preconfigured OWASP rules. Needs var.domain (a Google-managed certificate for it). Without it players reach the
# run.app URL directly (Cloud Run's own front end, no Armor).
locals {
  front_door = var.enable_load_balancer && var.domain != "" ? 1 : 0
  # Preconfigured WAF rule sets (OWASP ModSecurity CRS 3.3), sensitivity 1: few false positives.
  armor_owasp_rules = ["sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rfi-v33-stable", "rce-v33-stable", "scannerdetection-v33-stable", "protocolattack-v33-stable"]
}

resource "google_compute_security_policy" "relay" {
  count = local.front_door

  name        = "${var.service_name}-armor"
  description = "Per-IP rate limit and OWASP rules in front of the relay."

  dynamic "rule" {
    for_each = local.armor_owasp_rules
    content {
      action   = "deny(403)"
      priority = 1000 + rule.key
      match {
        expr {
          expression = "evaluatePreconfiguredWaf('${rule.value}', {'sensitivity': 1})"
        }
      }
      description = "OWASP ${rule.value}"
    }
  }

  # One client IP: at most armor_rate_limit_per_minute requests a minute (signaling, history, scene holds);
  # a scene's audio is not HTTP and is not counted.
  rule {
    action   = "throttle"
    priority = 2000
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"
      rate_limit_threshold {
        count        = var.armor_rate_limit_per_minute
        interval_sec = 60
      }
    }
    description = "per-IP rate limit"
  }

  rule {
    action   = "allow"
    priority = 2147483647
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    description = "default allow"
  }
}

resource "google_compute_region_network_endpoint_group" "relay" {
  count = local.front_door

  name                  = "${var.service_name}-neg"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = google_cloud_run_v2_service.relay.name
  }
}

resource "google_compute_backend_service" "relay" {
  count = local.front_door

  name                  = "${var.service_name}-backend"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  security_policy       = google_compute_security_policy.relay[0].id
  # A scene's WebSocket or scene hold lasts up to the Cloud Run request timeout.
  timeout_sec = 3600

  backend {
    group = google_compute_region_network_endpoint_group.relay[0].id
  }

  log_config {
    enable      = true
    sample_rate = 0.1
  }
}

resource "google_compute_url_map" "relay" {
  count = local.front_door

  name            = "${var.service_name}-urls"
  default_service = google_compute_backend_service.relay[0].id
}

resource "google_compute_managed_ssl_certificate" "relay" {
  count = local.front_door

  name = "${var.service_name}-cert"
  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "relay" {
  count = local.front_door

  name             = "${var.service_name}-https"
  url_map          = google_compute_url_map.relay[0].id
  ssl_certificates = [google_compute_managed_ssl_certificate.relay[0].id]
}

resource "google_compute_global_address" "relay" {
  count = local.front_door

  name = "${var.service_name}-lb"
}

resource "google_compute_global_forwarding_rule" "relay" {
  count = local.front_door

  name                  = "${var.service_name}-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.relay[0].address
  port_range            = "443"
  target                = google_compute_target_https_proxy.relay[0].id
}
