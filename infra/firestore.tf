# Firestore (Native mode) as docs/data-model.md describes it; mirrors firestore.indexes.json at the repo root.
# The relay uses the "(default)" database. If the project already has one, import it instead of creating it:
#   terraform import google_firestore_database.main "projects/<project>/databases/(default)"
resource "google_firestore_database" "main" {
  name        = "(default)"
  location_id = var.firestore_location == "" ? var.region : var.firestore_location
  type        = "FIRESTORE_NATIVE"

  point_in_time_recovery_enablement = var.firestore_pitr ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED"
  delete_protection_state           = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  # `terraform destroy` leaves the data alone unless deletion protection is off.
  deletion_policy = var.deletion_protection ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.enabled]
}

# History list: sessions where ownerId == X orderBy createdAt desc.
resource "google_firestore_index" "sessions_by_owner" {
  database    = google_firestore_database.main.name
  collection  = "sessions"
  query_scope = "COLLECTION"

  fields {
    field_path = "ownerId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }
}

# TTL: Firestore deletes a session document some time (typically < 24 h) after its expireAt. expireAt is never
# queried, so its single-field indexes are off (empty index_config). TTL does not cascade to `turns`: turns carry
# their own expireAt (the session's), with its own policy below.
resource "google_firestore_field" "sessions_expire_at" {
  database   = google_firestore_database.main.name
  collection = "sessions"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

# turns.text: long transcripts, never queried; exempt from indexing (saves write cost and the 1500-byte index limit).
resource "google_firestore_field" "turns_text" {
  database   = google_firestore_database.main.name
  collection = "turns"
  field      = "text"

  index_config {}
}

# TTL on every `turns` subcollection (collection group): each turn expires with its session.
resource "google_firestore_field" "turns_expire_at" {
  database   = google_firestore_database.main.name
  collection = "turns"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

# Daily usage (relay/limits/daily-limits.ts): usage_days/{day}/players/{uid}, its slots/{n}, and spend/{shard}
# expire 35 days after their day, each collection group with its own TTL policy.
resource "google_firestore_field" "usage_expire_at" {
  for_each = toset(["players", "slots", "spend"])

  database   = google_firestore_database.main.name
  collection = each.key
  field      = "expireAt"

  ttl_config {}
  index_config {}
}
