# Where the relay image lives: <region>-docker.pkg.dev/<project>/<service_name>/relay:<tag>
resource "google_artifact_registry_repository" "relay" {
  repository_id = var.service_name
  location      = var.region
  format        = "DOCKER"
  description   = "Improv Olympics Live relay images"

  cleanup_policy_dry_run = false

  # Old images stay available for rollbacks; keep the newest 20 and drop untagged leftovers after 30 days.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }
  cleanup_policies {
    id     = "delete-old-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.enabled]
}
