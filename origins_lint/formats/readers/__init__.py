"""The shared syntax readers: files to values that remember where they were written.

No format of its own and no engine semantics: ``tree`` is the located value every
structured reader builds; ``yaml_tree`` (libYAML through ruamel.yaml's C parser) and
``json_tree`` (the standard library's parser, its scanner hooked for spans) load YAML and
JSON; ``hcl_values`` reads HCL (Terraform) through python-hcl2's Lark tree and evaluates only
what the file fixes, after ``hcl_scan``'s linear pass cuts a large file to its blocks;
``manifests`` is what the gateway formats share (documents loaded once, Helm templates refused
once); ``templated`` reads YAML templates with their placeholders as unknown text; and
``re2_syntax`` says which regexes RE2 (Envoy, Istio) and Go's `regexp` (Traefik) refuse to
compile, from syntax alone.
"""
