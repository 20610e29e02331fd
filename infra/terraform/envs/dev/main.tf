provider "aws" {
  region = var.region
  default_tags {
    tags = merge({ Project = "adrank", Environment = "dev", ManagedBy = "terraform" }, var.tags)
  }
}

# Dev: two AZs, one NAT gateway, small nodes, a one-node warehouse, destroyable storage.
module "platform" {
  source                     = "../../modules/platform"
  name                       = "adrank-dev"
  vpc_cidr                   = var.vpc_cidr
  az_count                   = 2
  single_nat_gateway         = true
  eks_endpoint_public_access = length(var.eks_public_access_cidrs) > 0
  eks_public_access_cidrs    = var.eks_public_access_cidrs
  node_instance_types        = ["t3.large"]
  node_min_size              = 1
  node_desired_size          = 2
  node_max_size              = 3
  enable_eks_addons          = var.enable_eks_addons
  enable_warehouse           = var.enable_warehouse
  redshift_node_type         = "ra3.xlplus"
  redshift_nodes             = 1
  raw_expiration_days        = 90
  dev_mode                   = true
}
