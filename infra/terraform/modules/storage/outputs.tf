output "data_lake_bucket" {
  value = aws_s3_bucket.this["data_lake"].id
}

output "data_lake_bucket_arn" {
  value = aws_s3_bucket.this["data_lake"].arn
}

output "models_bucket" {
  value = aws_s3_bucket.this["models"].id
}

output "models_bucket_arn" {
  value = aws_s3_bucket.this["models"].arn
}

output "kms_key_arn" {
  value = aws_kms_key.this.arn
}

output "raw_prefix" {
  value = var.raw_prefix
}

output "model_prefix" {
  value = var.model_prefix
}
