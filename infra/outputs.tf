output "relay_url" {
  description = "The app (Cloud Run URL)."
  value       = google_cloud_run_v2_service.relay.uri
}

output "app_url" {
  description = "The app at its custom domain, or the Cloud Run URL."
  value       = var.domain != "" ? "https://${var.domain}" : google_cloud_run_v2_service.relay.uri
}

output "image_repository" {
  description = "Push relay images here: <this>/relay:<tag>."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.relay.repository_id}"
}

output "turn_ip" {
  description = "The TURN server's static address (point turn_domain's A record here when using TLS)."
  value       = google_compute_address.turn.address
}

output "turn_urls" {
  description = "TURN_URLS as the relay receives it."
  value       = local.turn_urls
}

output "secret_ids" {
  description = "Secret Manager secret ids to fill with `gcloud secrets versions add`, by env var."
  value       = { for name, secret in google_secret_manager_secret.relay : name => secret.secret_id }
}

output "relay_service_account" {
  description = "The relay's service account."
  value       = google_service_account.relay.email
}

output "domain_dns_records" {
  description = "DNS records to create for var.domain (empty without a domain; filled once Cloud Run has the mapping)."
  value       = var.domain == "" ? [] : google_cloud_run_domain_mapping.app[0].status[0].resource_records
}
