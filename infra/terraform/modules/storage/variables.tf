variable "name" {
  description = "Name prefix; buckets are <name>-data-lake-<account> and <name>-models-<account>."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3–31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "raw_prefix" {
  description = "Data-lake prefix of the raw Naver files (what the ETL writes)."
  type        = string
  default     = "raw/"
  validation {
    condition     = can(regex("^[a-z0-9_/-]+/$", var.raw_prefix))
    error_message = "raw_prefix must end with / and hold only lowercase letters, digits, _, - and /."
  }
}

variable "model_prefix" {
  description = "Model-bucket prefix of the bundles (what the trainer publishes and the API reads)."
  type        = string
  default     = "models/lgbm/"
  validation {
    condition     = can(regex("^[a-z0-9_/-]+/$", var.model_prefix))
    error_message = "model_prefix must end with / and hold only lowercase letters, digits, _, - and /."
  }
}

variable "raw_transition_days" {
  description = "Raw files move to STANDARD_IA after this many days (re-loads are rare after the first week)."
  type        = number
  default     = 30
  validation {
    condition     = var.raw_transition_days >= 30
    error_message = "raw_transition_days must be at least 30 (S3's minimum for STANDARD_IA)."
  }
}

variable "raw_expiration_days" {
  description = "Raw files are deleted after this many days (0 = never). Naver keeps AD_DETAIL for 180 days."
  type        = number
  default     = 400
  validation {
    condition     = var.raw_expiration_days == 0 || var.raw_expiration_days > 30
    error_message = "raw_expiration_days must be 0 (keep) or more than 30."
  }
}

variable "noncurrent_version_days" {
  description = "Overwritten or deleted object versions (old pointers, bundles removed by `adrank-models gc`) are kept this long."
  type        = number
  default     = 30
  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
