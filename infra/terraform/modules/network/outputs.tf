output "vpc_id" {
  value = aws_vpc.this.id
}

output "vpc_cidr" {
  value = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  value = [for s in aws_subnet.private : s.id]
}

output "private_subnet_cidrs" {
  value = [for s in aws_subnet.private : s.cidr_block]
}

output "public_subnet_ids" {
  value = [for s in aws_subnet.public : s.id]
}

output "s3_endpoint_id" {
  value = aws_vpc_endpoint.s3.id
}
