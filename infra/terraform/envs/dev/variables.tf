variable "region" {
  description = "AWS region (Seoul by default: next to Naver's API and the advertisers)."
  type        = string
  default     = "ap-northeast-2"
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-\\d$", var.region))
    error_message = "region must be an AWS region name such as ap-northeast-2."
  }
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "eks_public_access_cidrs" {
  description = "Office/VPN CIDRs allowed to reach the dev API server endpoint (empty: private endpoint only)."
  type        = list(string)
  default     = []
}

variable "enable_eks_addons" {
  description = "Manage EKS add-ons (off only against emulators without the add-on API)."
  type        = bool
  default     = true
}

variable "enable_warehouse" {
  description = "Create the Redshift cluster."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
