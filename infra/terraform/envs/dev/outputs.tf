output "platform" {
  description = "Everything the Kubernetes overlay and the apps need: see infra/README.md."
  value       = module.platform
}

output "kustomize_values" {
  value = module.platform.kustomize_values
}
