# Remote state for CI and teams. Local state is the default so that `terraform init` works anywhere; to share it,
# create the bucket and table once, uncomment, and run `terraform init -migrate-state`:
#
# terraform {
#   backend "s3" {
#     bucket         = "adrank-terraform-state-<account-id>"
#     key            = "adrank/dev/terraform.tfstate"
#     region         = "ap-northeast-2"
#     encrypt        = true
#     dynamodb_table = "adrank-terraform-locks" # partition key LockID (string); or use_lockfile = true (S3 locking)
#   }
# }
