# AWS CORS as teams write it, and what origins-lint says about it (README: Cloud infrastructure as code)

resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    # S3 reads a `*` anywhere as any text: this one also admits https://attackerexample.com
    allowed_origins = ["https://www.example.com", "https://*example.com"]
    max_age_seconds = 3000
  }
}

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = ["https://app.example.com", "http://admin.example.com"]
    allow_credentials = true
    allow_methods     = ["GET", "POST"]
    allow_headers     = ["authorization", "content-type"]
  }
}

resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "NONE"

  cors {
    allow_origins     = ["*"]
    allow_credentials = true
  }
}

resource "aws_cloudfront_response_headers_policy" "docs" {
  name = "docs"

  cors_config {
    access_control_allow_credentials = false
    origin_override                  = true

    access_control_allow_headers {
      items = ["Content-Type"]
    }
    access_control_allow_methods {
      items = ["GET", "HEAD"]
    }
    access_control_allow_origins {
      items = ["https://*.github.io"]
    }
  }
}
