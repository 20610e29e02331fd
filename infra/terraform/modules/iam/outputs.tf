output "role_arns" {
  description = "IRSA role ARN per app (the service accounts' eks.amazonaws.com/role-arn annotation)."
  value = {
    inference-api = aws_iam_role.app["inference_api"].arn
    trainer       = aws_iam_role.app["trainer"].arn
    etl           = aws_iam_role.app["etl"].arn
  }
}
