provider "aws" {
  region = var.region
  default_tags {
    tags = merge({ Project = "adrank", Environment = "prod", ManagedBy = "terraform" }, var.tags)
  }
}

# Prod: three AZs, a NAT gateway per AZ, private API endpoint unless CIDRs are given, a two-node warehouse, storage
# and registries that refuse to be destroyed while they hold data.
module "platform" {
  source                     = "../../modules/platform"
  name                       = "adrank-prod"
  vpc_cidr                   = var.vpc_cidr
  az_count                   = 3
  single_nat_gateway         = false
  eks_endpoint_public_access = length(var.eks_public_access_cidrs) > 0
  eks_public_access_cidrs    = var.eks_public_access_cidrs
  node_instance_types        = ["m6i.large", "m6a.large"]
  node_min_size              = 3
  node_desired_size          = 3
  node_max_size              = 9
  enable_eks_addons          = var.enable_eks_addons
  enable_warehouse           = var.enable_warehouse
  redshift_node_type         = "ra3.xlplus"
  redshift_nodes             = 2
  raw_expiration_days        = 400
  dev_mode                   = false
}
