# A token is imported by its id (or its name). Its secret is shown only when
# it is created, so an imported token has none in state.
terraform import sluice_api_token.orders_worker tok_01jbz6x6k8v3m2q4r5s6t7v8w9
