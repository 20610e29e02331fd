variable "name" {
  description = "Cluster identifier and name prefix."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes, starting with a letter (Redshift's identifier rules)."
  }
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets for the cluster."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "Use subnets in at least two availability zones."
  }
}

variable "allowed_cidrs" {
  description = "CIDRs allowed to connect on 5439: the private subnets, where the EKS pods get their addresses (VPC CNI)."
  type        = list(string)
  validation {
    condition     = length(var.allowed_cidrs) > 0 && alltrue([for c in var.allowed_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "allowed_cidrs must be CIDR blocks inside the VPC (not 0.0.0.0/0)."
  }
}

variable "node_type" {
  type    = string
  default = "ra3.xlplus"
  validation {
    condition     = can(regex("^(ra3|dc2)\\.", var.node_type))
    error_message = "node_type must be an ra3.* or dc2.* type."
  }
}

variable "number_of_nodes" {
  type    = number
  default = 2
  validation {
    condition     = var.number_of_nodes >= 1 && var.number_of_nodes <= 32
    error_message = "number_of_nodes must be 1–32."
  }
}

variable "database_name" {
  type    = string
  default = "adrank"
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,63}$", var.database_name))
    error_message = "database_name must be lowercase letters, digits and underscores, starting with a letter."
  }
}

variable "master_username" {
  type    = string
  default = "adrank_admin"
}

variable "data_lake_bucket_arn" {
  description = "The data lake COPY reads from."
  type        = string
}

variable "kms_key_arn" {
  description = "Key of the data lake (COPY decrypts with it) — the cluster gets its own key for its storage."
  type        = string
}

variable "snapshot_retention_days" {
  type    = number
  default = 7
  validation {
    condition     = var.snapshot_retention_days >= 1 && var.snapshot_retention_days <= 35
    error_message = "snapshot_retention_days must be 1–35."
  }
}

variable "skip_final_snapshot" {
  description = "Destroy without a final snapshot (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  type    = map(string)
  default = {}
}
