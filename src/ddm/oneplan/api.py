from ninja import Router

router = Router(tags=["One Plan"])
