output "cluster_identifier" {
  value = aws_redshift_cluster.this.cluster_identifier
}

output "cluster_arn" {
  value = aws_redshift_cluster.this.arn
}

output "database_name" {
  value = aws_redshift_cluster.this.database_name
}

output "endpoint" {
  value = aws_redshift_cluster.this.endpoint
}

output "copy_role_arn" {
  value = aws_iam_role.copy.arn
}

output "admin_secret_arn" {
  description = "Secrets Manager secret with the generated admin password (for humans and migrations, not the apps)."
  value       = aws_redshift_cluster.this.master_password_secret_arn
}

output "security_group_id" {
  value = aws_security_group.this.id
}
