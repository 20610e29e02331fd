# Least-privilege IRSA roles: each trusts exactly one service account of the cluster's OIDC provider.
#   inference-api  reads the model prefix.
#   trainer        reads the data lake, writes the model prefix, runs SQL through the Redshift Data API.
#   etl            writes raw files to the data lake, runs SQL through the Redshift Data API, reads the Naver secret.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  apps = {
    inference_api = var.service_accounts.inference_api
    trainer       = var.service_accounts.trainer
    etl           = var.service_accounts.etl
  }
  redshift     = var.enable_redshift
  cluster_id   = local.redshift ? element(split(":", var.redshift_cluster_arn), 6) : ""
  redshift_arn = "arn:${data.aws_partition.current.partition}:redshift:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
}

data "aws_iam_policy_document" "trust" {
  for_each = local.apps
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${each.value}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${var.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  for_each             = local.apps
  name                 = "${var.name}-${replace(each.key, "_", "-")}"
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = 3600
  tags                 = merge(var.tags, { ServiceAccount = "${var.namespace}/${each.value}" })
}

# --- inference-api: read bundles --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "inference_api" {
  statement {
    sid       = "ReadBundles"
    actions   = ["s3:GetObject"]
    resources = ["${var.models_bucket_arn}/${var.model_prefix}*"]
  }
  statement {
    sid       = "ListBundles"
    actions   = ["s3:ListBucket"]
    resources = [var.models_bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.model_prefix, "${var.model_prefix}*"]
    }
  }
  statement {
    sid       = "DecryptBundles"
    actions   = ["kms:Decrypt"]
    resources = [var.storage_kms_key_arn]
  }
}

# --- Redshift Data API, shared by trainer and etl -----------------------------------------------------------------------

data "aws_iam_policy_document" "redshift" {
  for_each = local.redshift ? { trainer = var.redshift_db_users.trainer, etl = var.redshift_db_users.etl } : {}
  statement {
    sid       = "RunStatementsOnTheCluster"
    actions   = ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"]
    resources = [var.redshift_cluster_arn]
  }
  statement {
    sid     = "OwnStatementsOnly"
    actions = ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:CancelStatement", "redshift-data:ListStatements"]
    # these actions take no resource; the condition limits them to statements this role ran
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "redshift-data:statement-owner-iam-userid"
      values   = ["$${aws:userid}"]
    }
  }
  statement {
    sid     = "TemporaryDatabaseCredentials"
    actions = ["redshift:GetClusterCredentials"]
    resources = [
      "${local.redshift_arn}:dbuser:${local.cluster_id}/${each.value}",
      "${local.redshift_arn}:dbname:${local.cluster_id}/${var.redshift_database}",
    ]
  }
}

# --- trainer: read the data lake, publish bundles -----------------------------------------------------------------------

data "aws_iam_policy_document" "trainer" {
  source_policy_documents = local.redshift ? [data.aws_iam_policy_document.redshift["trainer"].json] : []
  statement {
    sid       = "ReadDataLake"
    actions   = ["s3:GetObject"]
    resources = ["${var.data_lake_bucket_arn}/*"]
  }
  statement {
    sid       = "ListDataLake"
    actions   = ["s3:ListBucket"]
    resources = [var.data_lake_bucket_arn]
  }
  statement {
    sid       = "PublishBundles"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${var.models_bucket_arn}/${var.model_prefix}*"]
  }
  statement {
    sid       = "ListBundles"
    actions   = ["s3:ListBucket"]
    resources = [var.models_bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.model_prefix, "${var.model_prefix}*"]
    }
  }
  statement {
    sid       = "EncryptDecrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.storage_kms_key_arn]
  }
}

# --- etl: raw files in, Naver secret ------------------------------------------------------------------------------------

data "aws_iam_policy_document" "etl" {
  source_policy_documents = local.redshift ? [data.aws_iam_policy_document.redshift["etl"].json] : []
  statement {
    sid       = "WriteRawFiles"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.data_lake_bucket_arn}/${var.raw_prefix}*"]
  }
  statement {
    sid       = "ListRawFiles"
    actions   = ["s3:ListBucket"]
    resources = [var.data_lake_bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [var.raw_prefix, "${var.raw_prefix}*"]
    }
  }
  statement {
    sid       = "EncryptDecrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.storage_kms_key_arn]
  }
  statement {
    sid       = "ReadNaverSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [var.naver_secret_arn]
  }
}

resource "aws_iam_role_policy" "app" {
  for_each = {
    inference_api = data.aws_iam_policy_document.inference_api.json
    trainer       = data.aws_iam_policy_document.trainer.json
    etl           = data.aws_iam_policy_document.etl.json
  }
  name   = "least-privilege"
  role   = aws_iam_role.app[each.key].id
  policy = each.value
}
