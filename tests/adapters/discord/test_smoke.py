from tests.adapters.discord.conftest import World


async def test_today(world: World) -> None:
    record = await world.fake.slash(world.channel, world.member, ["alliance", "today"])
    await world.fake.wait_until(lambda: record.messages())
    print(record.callbacks, record.followups, record.edits)
    print([ (r.method, r.path, r.status) for r in world.fake.requests])
    assert 0
