variable "name" {
  description = "Name prefix of every resource (e.g. adrank-dev)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.name))
    error_message = "name must be 3–31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "cidr" {
  description = "VPC CIDR block (/16–/20): split into one public and one private subnet per AZ."
  type        = string
  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) >= 16 && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "cidr must be an IPv4 CIDR block between /16 and /20."
  }
}

variable "az_count" {
  description = "Availability zones to spread subnets over (EKS and Redshift need at least 2)."
  type        = number
  default     = 2
  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2–3 (the CIDR is split into four quarters: public subnets, then one per private subnet)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper, one AZ's failure cuts egress) instead of one per AZ."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "EKS cluster name, for the subnet tags its load balancer controller looks for."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
