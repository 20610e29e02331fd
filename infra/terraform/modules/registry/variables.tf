variable "name" {
  description = "Name prefix: repositories are <name>/<app>."
  type        = string
}

variable "repositories" {
  description = "One repository per app image."
  type        = list(string)
  default     = ["inference-api", "trainer", "etl"]
  validation {
    condition     = length(var.repositories) > 0 && alltrue([for r in var.repositories : can(regex("^[a-z][a-z0-9-]*$", r))])
    error_message = "repositories must be non-empty lowercase names."
  }
}

variable "keep_tagged_images" {
  description = "Tagged images kept per repository (older ones expire)."
  type        = number
  default     = 30
  validation {
    condition     = var.keep_tagged_images >= 5
    error_message = "keep_tagged_images must be at least 5 (room to roll back)."
  }
}

variable "kms_key_arn" {
  description = "KMS key for image encryption (null: AES256)."
  type        = string
  default     = null
}

variable "force_delete" {
  description = "Let `terraform destroy` delete repositories that still hold images (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
