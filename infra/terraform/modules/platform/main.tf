# One environment: network → storage, registry → EKS → warehouse → IRSA roles, and the Naver API secret (its value is
# put out of band: `aws secretsmanager put-secret-value`).

module "network" {
  source             = "../network"
  name               = var.name
  cidr               = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  cluster_name       = var.name
  tags               = var.tags
}

module "storage" {
  source              = "../storage"
  name                = var.name
  raw_expiration_days = var.raw_expiration_days
  force_destroy       = var.dev_mode
  tags                = var.tags
}

module "registry" {
  source       = "../registry"
  name         = var.name
  force_delete = var.dev_mode
  tags         = var.tags
}

module "eks" {
  source                 = "../eks"
  name                   = var.name
  kubernetes_version     = var.kubernetes_version
  vpc_id                 = module.network.vpc_id
  subnet_ids             = module.network.private_subnet_ids
  endpoint_public_access = var.eks_endpoint_public_access
  public_access_cidrs    = var.eks_public_access_cidrs
  node_instance_types    = var.node_instance_types
  node_min_size          = var.node_min_size
  node_desired_size      = var.node_desired_size
  node_max_size          = var.node_max_size
  enable_addons          = var.enable_eks_addons
  tags                   = var.tags
}

module "warehouse" {
  source               = "../warehouse"
  count                = var.enable_warehouse ? 1 : 0
  name                 = var.name
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  allowed_cidrs        = module.network.private_subnet_cidrs
  node_type            = var.redshift_node_type
  number_of_nodes      = var.redshift_nodes
  data_lake_bucket_arn = module.storage.data_lake_bucket_arn
  kms_key_arn          = module.storage.kms_key_arn
  skip_final_snapshot  = var.dev_mode
  tags                 = var.tags
}

resource "aws_secretsmanager_secret" "naver" {
  name                    = "${var.name}/naver-search-ads"
  description             = "Naver Search Ads API: {\"NAVER_ADS_API_KEY\": …, \"NAVER_ADS_SECRET_KEY\": …}"
  kms_key_id              = module.storage.kms_key_arn
  recovery_window_in_days = var.dev_mode ? 0 : 30
  tags                    = var.tags
}

module "iam" {
  source               = "../iam"
  name                 = var.name
  namespace            = var.namespace
  oidc_provider_arn    = module.eks.oidc_provider_arn
  oidc_issuer          = module.eks.oidc_issuer
  models_bucket_arn    = module.storage.models_bucket_arn
  model_prefix         = module.storage.model_prefix
  data_lake_bucket_arn = module.storage.data_lake_bucket_arn
  raw_prefix           = module.storage.raw_prefix
  storage_kms_key_arn  = module.storage.kms_key_arn
  enable_redshift      = var.enable_warehouse
  redshift_cluster_arn = var.enable_warehouse ? module.warehouse[0].cluster_arn : null
  naver_secret_arn     = aws_secretsmanager_secret.naver.arn
  tags                 = var.tags
}
