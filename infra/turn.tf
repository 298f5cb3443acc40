# coturn as a regional managed instance group (instances in several zones, autohealed on a health check) behind
# a passthrough network load balancer on one static address. Cloud Run takes no inbound UDP, so WebRTC between a browser and the relay goes through
# this TURN server: the browser relays through it, and the relay (Cloud Run egress) reaches the browser's relayed
# address from its own public egress address. Credentials are the TURN REST scheme: the relay mints them per
# caller with TURN_SECRET, coturn checks them with the same secret (use-auth-secret); coturn keeps no users.
locals {
  turn_realm = var.turn_realm != "" ? var.turn_realm : (var.turn_domain != "" ? var.turn_domain : var.service_name)
  turn_host  = var.turn_domain != "" ? var.turn_domain : google_compute_address.turn.address
  # TURN_URLS for the relay: UDP first (lowest latency), TCP for networks that block UDP, TLS on 443 with a domain
  # (corporate networks that allow nothing else allow 443).
  turn_tls_port = 443
  turn_urls = join(",", concat(
    [
      "turn:${local.turn_host}:3478?transport=udp",
      "turn:${local.turn_host}:3478?transport=tcp",
    ],
    var.turn_domain != "" ? ["turns:${var.turn_domain}:${local.turn_tls_port}?transport=tcp"] : [],
  ))
}

resource "google_compute_address" "turn" {
  name         = "${var.service_name}-turn"
  region       = var.region
  address_type = "EXTERNAL"
  network_tier = "PREMIUM"

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "turn" {
  account_id   = "${var.service_name}-turn"
  display_name = "Improv Olympics Live TURN server"
}

resource "google_compute_firewall" "turn" {
  name        = "${var.service_name}-turn"
  network     = var.network
  direction   = "INGRESS"
  target_tags = ["${var.service_name}-turn"]
  # TURN clients are browsers anywhere and Cloud Run's egress addresses; 35.191.0.0/16 and 130.211.0.0/22 are
  # Google's health checkers.
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "udp"
    ports    = ["3478", "49152-65535"]
  }
  allow {
    protocol = "tcp"
    ports    = ["3478", "443"]
  }

  depends_on = [google_project_service.enabled]
}

# Let's Encrypt's HTTP-01 check, only when a TURN domain (and so TLS) is configured.
resource "google_compute_firewall" "turn_acme" {
  count = var.turn_domain == "" ? 0 : 1

  name          = "${var.service_name}-turn-acme"
  network       = var.network
  direction     = "INGRESS"
  target_tags   = ["${var.service_name}-turn"]
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "tcp"
    ports    = ["80"]
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_instance_template" "turn" {
  name_prefix  = "${var.service_name}-turn-"
  machine_type = var.turn_machine_type
  tags         = ["${var.service_name}-turn"]

  disk {
    source_image = "debian-cloud/debian-12"
    disk_size_gb = 10
    auto_delete  = true
    boot         = true
  }

  network_interface {
    network = var.network
    # Each instance's own external address carries the relayed media; the load balancer's carries signaling.
    access_config {
      network_tier = "PREMIUM"
    }
  }

  service_account {
    email  = google_service_account.turn.email
    scopes = ["cloud-platform"]
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    enable-oslogin = "TRUE"
    startup-script = templatefile("${path.module}/turn-startup.sh.tftpl", {
      project_id         = var.project_id
      secret_id          = google_secret_manager_secret.relay["TURN_SECRET"].secret_id
      realm              = local.turn_realm
      external_ip        = ""
      turn_domain        = var.turn_domain
      allowed_peer_ips   = join(" ", var.turn_allowed_peer_ips)
      min_port           = 49152
      max_port           = 65535
      listening_port     = 3478
      tls_listening_port = local.turn_tls_port
    })
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_secret_manager_secret_iam_member.turn_reads]
}

# coturn answers on 3478/tcp once it has its secret and config.
resource "google_compute_region_health_check" "turn" {
  name                = "${var.service_name}-turn"
  region              = var.region
  check_interval_sec  = 10
  timeout_sec         = 5
  healthy_threshold   = 2
  unhealthy_threshold = 3

  tcp_health_check {
    port = 3478
  }

  depends_on = [google_project_service.enabled]
}

resource "google_compute_region_instance_group_manager" "turn" {
  name               = "${var.service_name}-turn"
  region             = var.region
  base_instance_name = "${var.service_name}-turn"
  target_size        = var.turn_instances

  version {
    instance_template = google_compute_instance_template.turn.id
  }

  auto_healing_policies {
    health_check = google_compute_region_health_check.turn.id
    # First boot installs coturn and waits for the secret.
    initial_delay_sec = 300
  }

  update_policy {
    type                  = "PROACTIVE"
    minimal_action        = "REPLACE"
    max_surge_fixed       = 3
    max_unavailable_fixed = 0
  }
}

# Passthrough (L4) load balancer on the static address: TCP and UDP on every port reach the same instance per
# client address (CLIENT_IP affinity keeps an allocation on the server that holds it).
resource "google_compute_region_backend_service" "turn" {
  name                  = "${var.service_name}-turn"
  region                = var.region
  load_balancing_scheme = "EXTERNAL"
  protocol              = "UNSPECIFIED"
  session_affinity      = "CLIENT_IP"
  health_checks         = [google_compute_region_health_check.turn.id]

  backend {
    group          = google_compute_region_instance_group_manager.turn.instance_group
    balancing_mode = "CONNECTION"
  }
}

resource "google_compute_forwarding_rule" "turn" {
  name                  = "${var.service_name}-turn"
  region                = var.region
  ip_address            = google_compute_address.turn.address
  ip_protocol           = "L3_DEFAULT"
  all_ports             = true
  load_balancing_scheme = "EXTERNAL"
  backend_service       = google_compute_region_backend_service.turn.id
}
