variable "name" {
  description = "Cluster name."
  type        = string
  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.name))
    error_message = "name must start with a letter and hold letters, digits and dashes (at most 100)."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (CronJob timeZone needs ≥ 1.27)."
  type        = string
  default     = "1.31"
  validation {
    condition     = can(regex("^1\\.(2[7-9]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be 1.27 or newer, as MAJOR.MINOR."
  }
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets (2+ AZs) for the control plane's interfaces and the nodes."
  type        = list(string)
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access" {
  description = "Expose the API server endpoint publicly as well (restricted to public_access_cidrs). Off: private only."
  type        = bool
  default     = false
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach a public endpoint."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "public_access_cidrs must be CIDR blocks, and not 0.0.0.0/0."
  }
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
  validation {
    condition     = var.node_max_size >= 1
    error_message = "node_max_size must be at least 1."
  }
}

variable "node_disk_gib" {
  type    = number
  default = 50
}

variable "log_retention_days" {
  description = "Control-plane log retention (CloudWatch)."
  type        = number
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value (1, 3, 5, 7, 14, 30, 60, 90, …)."
  }
}

variable "enable_addons" {
  description = "Manage the vpc-cni, coredns and kube-proxy add-ons (off only where the API cannot: local emulators)."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
