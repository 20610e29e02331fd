# What the Kubernetes overlays and the apps' configuration need (see infra/README.md, "From outputs to manifests").

data "aws_region" "current" {}

locals {
  model_store_url = "s3://${module.storage.models_bucket}/${trimsuffix(module.storage.model_prefix, "/")}"
  data_lake_url   = "s3://${module.storage.data_lake_bucket}"
}

output "region" {
  value = data.aws_region.current.name
}

output "cluster_name" {
  value = module.eks.cluster_name
}

output "cluster_endpoint" {
  value = module.eks.cluster_endpoint
}

output "vpc_cidr" {
  value = module.network.vpc_cidr
}

output "irsa_role_arns" {
  value = module.iam.role_arns
}

output "ecr_repository_urls" {
  value = module.registry.repository_urls
}

output "models_bucket" {
  value = module.storage.models_bucket
}

output "data_lake_bucket" {
  value = module.storage.data_lake_bucket
}

output "model_store_url" {
  description = "ADRANK_MODEL_STORE for the trainer and the inference API."
  value       = local.model_store_url
}

output "data_lake_url" {
  description = "ADRANK_DATA_LAKE for the ETL."
  value       = local.data_lake_url
}

output "redshift_cluster_id" {
  value = var.enable_warehouse ? module.warehouse[0].cluster_identifier : null
}

output "redshift_database" {
  value = var.enable_warehouse ? module.warehouse[0].database_name : null
}

output "redshift_copy_role_arn" {
  value = var.enable_warehouse ? module.warehouse[0].copy_role_arn : null
}

output "redshift_admin_secret_arn" {
  value = var.enable_warehouse ? module.warehouse[0].admin_secret_arn : null
}

output "naver_secret_arn" {
  value = aws_secretsmanager_secret.naver.arn
}

output "kustomize_values" {
  description = "The values of infra/k8s/overlays/<env>/terraform-outputs.env (node infra/scripts/overlay-env.mjs writes it)."
  value = {
    AWS_REGION             = data.aws_region.current.name
    VPC_CIDR               = module.network.vpc_cidr
    INFERENCE_API_IMAGE    = module.registry.repository_urls["inference-api"]
    ETL_IMAGE              = module.registry.repository_urls["etl"]
    TRAINER_IMAGE          = module.registry.repository_urls["trainer"]
    ADRANK_MODEL_STORE     = local.model_store_url
    ADRANK_DATA_LAKE       = local.data_lake_url
    REDSHIFT_CLUSTER_ID    = var.enable_warehouse ? module.warehouse[0].cluster_identifier : ""
    REDSHIFT_DATABASE      = var.enable_warehouse ? module.warehouse[0].database_name : ""
    REDSHIFT_COPY_ROLE_ARN = var.enable_warehouse ? module.warehouse[0].copy_role_arn : ""
    INFERENCE_API_ROLE_ARN = module.iam.role_arns["inference-api"]
    TRAINER_ROLE_ARN       = module.iam.role_arns["trainer"]
    ETL_ROLE_ARN           = module.iam.role_arns["etl"]
    NAVER_SECRET_ARN       = aws_secretsmanager_secret.naver.arn
  }
}
