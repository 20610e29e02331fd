variable "name" {
  description = "Name prefix of the roles (<name>-inference-api, <name>-trainer, <name>-etl)."
  type        = string
}

variable "oidc_provider_arn" {
  type = string
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer without https:// (the trust conditions' key prefix)."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the service accounts."
  type        = string
  default     = "adrank"
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label."
  }
}

variable "service_accounts" {
  description = "Service account name per app."
  type        = object({ inference_api = string, trainer = string, etl = string })
  default     = { inference_api = "inference-api", trainer = "trainer", etl = "etl" }
}

variable "models_bucket_arn" {
  type = string
}

variable "model_prefix" {
  type = string
}

variable "data_lake_bucket_arn" {
  type = string
}

variable "raw_prefix" {
  type = string
}

variable "storage_kms_key_arn" {
  type = string
}

variable "enable_redshift" {
  description = "Grant the trainer and the ETL the Redshift Data API on the warehouse cluster."
  type        = bool
  default     = true
}

variable "redshift_cluster_arn" {
  description = "The warehouse cluster (needed with enable_redshift)."
  type        = string
  default     = null
  validation {
    condition     = var.redshift_cluster_arn == null || can(regex("^arn:aws[a-z-]*:redshift:[a-z0-9-]+:\\d{12}:cluster:[a-z][a-z0-9-]*$", var.redshift_cluster_arn))
    error_message = "redshift_cluster_arn must be a Redshift cluster ARN."
  }
}

variable "redshift_database" {
  type    = string
  default = "adrank"
}

variable "redshift_db_users" {
  description = "Database users the trainer and the ETL get temporary credentials for (REDSHIFT_DB_USER)."
  type        = object({ trainer = string, etl = string })
  default     = { trainer = "adrank_trainer", etl = "adrank_etl" }
}

variable "naver_secret_arn" {
  description = "Secrets Manager secret with the Naver Search Ads API key and secret (read by the ETL only)."
  type        = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
