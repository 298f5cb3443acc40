terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  # State holds no secret values (secrets are created empty, see secrets.tf), but keep it in a bucket for a team:
  # backend "gcs" {
  #   bucket = "my-tf-state-bucket"
  #   prefix = "improv-olympics-live"
  # }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
