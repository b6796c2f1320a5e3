# AWS CORS with exact HTTPS origins: no findings

resource "aws_s3_bucket_cors_configuration" "assets" {
  bucket = aws_s3_bucket.assets.id

  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://www.example.com", "https://app.example.com"]
    max_age_seconds = 3000
  }
}

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = ["https://app.example.com", "https://admin.example.com"]
    allow_credentials = true
    allow_methods     = ["GET", "POST"]
    allow_headers     = ["authorization", "content-type"]
    max_age           = 600
  }
}

resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "AWS_IAM"

  cors {
    allow_origins = ["https://app.example.com"]
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
      items = ["https://docs.example.com"]
    }
  }
}
