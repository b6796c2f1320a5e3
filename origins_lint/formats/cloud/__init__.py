"""CORS declared in cloud infrastructure as code: Terraform providers (AWS, Azure, Google
Cloud, Kubernetes), CloudFormation and SAM, the Serverless Framework and OpenAPI's
`x-amazon-apigateway-cors`.

Each service's semantics (what a wildcard means, whether credentials exist, what the
service refuses at deploy time, whether it echoes the origin or sends `*`) are stated in
the docstring of the module that reads it, citing the service's documentation or its
provider's source.
"""
