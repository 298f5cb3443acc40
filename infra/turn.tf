# coturn on a small VM. Cloud Run takes no inbound UDP, so WebRTC between a browser and the relay goes through
# this TURN server: the browser relays through it, and the relay (Cloud Run egress) reaches the browser's relayed
# address from its own public egress address. Credentials are the TURN REST scheme: the relay mints them per
# caller with TURN_SECRET, coturn checks them with the same secret (use-auth-secret); coturn keeps no users.
locals {
  turn_zone  = var.turn_zone == "" ? "${var.region}-b" : var.turn_zone
  turn_realm = var.turn_realm != "" ? var.turn_realm : (var.turn_domain != "" ? var.turn_domain : var.service_name)
  turn_host  = var.turn_domain != "" ? var.turn_domain : google_compute_address.turn.address
  # TURN_URLS for the relay: UDP first (lowest latency), TCP for networks that block UDP, TLS on 5349 with a domain.
  turn_urls = join(",", concat(
    [
      "turn:${local.turn_host}:3478?transport=udp",
      "turn:${local.turn_host}:3478?transport=tcp",
    ],
    var.turn_domain != "" ? ["turns:${var.turn_domain}:5349?transport=tcp"] : [],
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
  # TURN clients are browsers anywhere and Cloud Run's egress addresses.
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "udp"
    ports    = ["3478", "49152-65535"]
  }
  allow {
    protocol = "tcp"
    ports    = ["3478", "5349"]
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

resource "google_compute_instance" "turn" {
  name         = "${var.service_name}-turn"
  zone         = local.turn_zone
  machine_type = var.turn_machine_type
  tags         = ["${var.service_name}-turn"]
  # A new secret or config needs a reboot (the startup script runs at every boot); Terraform may stop the VM for a
  # machine type change.
  allow_stopping_for_update = true

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 10
    }
  }

  network_interface {
    network = var.network
    access_config {
      nat_ip       = google_compute_address.turn.address
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
      external_ip        = google_compute_address.turn.address
      turn_domain        = var.turn_domain
      allowed_peer_ips   = join(" ", var.turn_allowed_peer_ips)
      min_port           = 49152
      max_port           = 65535
      listening_port     = 3478
      tls_listening_port = 5349
    })
  }

  depends_on = [google_secret_manager_secret_iam_member.turn_reads]
}
