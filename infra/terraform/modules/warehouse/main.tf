# Redshift in private subnets: encrypted with its own KMS key, enhanced VPC routing (COPY from S3 goes through the VPC
# endpoint), TLS required, the admin password generated and kept by Redshift in Secrets Manager, an IAM role for COPY
# from the data lake, and connections only from the given security groups.

resource "aws_kms_key" "this" {
  description             = "${var.name}: Redshift storage"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_redshift_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-redshift"
  description = "Redshift: 5439 from the private subnets only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-redshift" })
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  count             = length(var.allowed_cidrs)
  security_group_id = aws_security_group.this.id
  cidr_ipv4         = var.allowed_cidrs[count.index]
  ip_protocol       = "tcp"
  from_port         = 5439
  to_port           = 5439
  description       = "Redshift clients: pods in the private subnets"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "S3 (COPY / UNLOAD) through the VPC endpoint, KMS, Secrets Manager"
}

resource "aws_redshift_parameter_group" "this" {
  name   = "${var.name}-params"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }
  tags = var.tags
}

data "aws_iam_policy_document" "copy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "copy" {
  name               = "${var.name}-copy"
  assume_role_policy = data.aws_iam_policy_document.copy_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "copy" {
  statement {
    sid       = "ReadDataLake"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${var.data_lake_bucket_arn}/*"]
  }
  statement {
    sid       = "ListDataLake"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.data_lake_bucket_arn]
  }
  statement {
    sid       = "DecryptDataLake"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "copy" {
  name   = "copy-from-data-lake"
  role   = aws_iam_role.copy.id
  policy = data.aws_iam_policy_document.copy.json
}

resource "aws_redshift_cluster" "this" {
  cluster_identifier                  = var.name
  database_name                       = var.database_name
  master_username                     = var.master_username
  manage_master_password              = true
  node_type                           = var.node_type
  cluster_type                        = var.number_of_nodes > 1 ? "multi-node" : "single-node"
  number_of_nodes                     = var.number_of_nodes
  cluster_subnet_group_name           = aws_redshift_subnet_group.this.name
  vpc_security_group_ids              = [aws_security_group.this.id]
  cluster_parameter_group_name        = aws_redshift_parameter_group.this.name
  publicly_accessible                 = false
  encrypted                           = true
  kms_key_id                          = aws_kms_key.this.arn
  enhanced_vpc_routing                = true
  iam_roles                           = [aws_iam_role.copy.arn]
  default_iam_role_arn                = aws_iam_role.copy.arn
  automated_snapshot_retention_period = var.snapshot_retention_days
  skip_final_snapshot                 = var.skip_final_snapshot
  final_snapshot_identifier           = var.skip_final_snapshot ? null : "${var.name}-final"
  tags                                = var.tags
}
