variable "name" {
  description = "Environment name prefix (adrank-dev, adrank-prod)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3–21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_cidr" {
  type = string
}

variable "az_count" {
  type    = number
  default = 2
}

variable "single_nat_gateway" {
  type    = bool
  default = false
}

variable "kubernetes_version" {
  type    = string
  default = "1.31"
}

variable "eks_endpoint_public_access" {
  type    = bool
  default = false
}

variable "eks_public_access_cidrs" {
  type    = list(string)
  default = []
}

variable "node_instance_types" {
  type    = list(string)
  default = ["m6i.large"]
}

variable "node_min_size" {
  type    = number
  default = 2
}

variable "node_desired_size" {
  type    = number
  default = 2
}

variable "node_max_size" {
  type    = number
  default = 6
}

variable "enable_eks_addons" {
  type    = bool
  default = true
}

variable "enable_warehouse" {
  description = "Create the Redshift cluster (off: the apps keep the embedded DuckDB default)."
  type        = bool
  default     = true
}

variable "redshift_node_type" {
  type    = string
  default = "ra3.xlplus"
}

variable "redshift_nodes" {
  type    = number
  default = 2
}

variable "namespace" {
  description = "Kubernetes namespace of the apps (the IRSA trust names it)."
  type        = string
  default     = "adrank"
}

variable "dev_mode" {
  description = "Dev conveniences: buckets and repositories destroyable when not empty, no final Redshift snapshot, the Naver secret deleted at once."
  type        = bool
  default     = false
}

variable "raw_expiration_days" {
  type    = number
  default = 400
}

variable "tags" {
  type    = map(string)
  default = {}
}
