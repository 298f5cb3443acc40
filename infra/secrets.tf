# Secret Manager secrets, created EMPTY: Terraform never sees their values (they are not in the plan or the state).
# Fill each once before the first full apply (see README.md):
#   printf %s "$VALUE" | gcloud secrets versions add <secret_id> --data-file=-
#
# RELAY_SECRET signs resume tokens and identity cookies. Every instance must hold the SAME value, or a browser
# resuming on (or a history request reaching) another instance is rejected; Cloud Run reads it from one secret
# version (var.relay_secret_version, pinned), so scaling out keeps it identical. Changing it logs every player out
# of their history.
# TURN_SECRET is coturn's static-auth-secret; the relay mints TURN credentials with it (coturn reads it at boot).
locals {
  # env var name → secret id
  secret_ids = {
    GEMINI_API_KEY = "${var.service_name}-gemini-api-key"
    RELAY_SECRET   = "${var.service_name}-relay-secret"
    TURN_SECRET    = "${var.service_name}-turn-secret"
  }
  # Which version Cloud Run mounts. 'latest' is read when an instance starts.
  secret_versions = {
    GEMINI_API_KEY = "latest"
    RELAY_SECRET   = var.relay_secret_version
    TURN_SECRET    = "latest"
  }
}

resource "google_secret_manager_secret" "relay" {
  for_each = local.secret_ids

  secret_id = each.value
  labels = {
    app = "improv-olympics-live"
  }

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# The relay's service account reads its three secrets, and nothing else.
resource "google_secret_manager_secret_iam_member" "relay_reads" {
  for_each = local.secret_ids

  secret_id = google_secret_manager_secret.relay[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.relay.email}"
}

# The TURN VM reads TURN_SECRET only.
resource "google_secret_manager_secret_iam_member" "turn_reads" {
  secret_id = google_secret_manager_secret.relay["TURN_SECRET"].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.turn.email}"
}
