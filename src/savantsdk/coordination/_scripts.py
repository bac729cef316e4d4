"""The Lua scripts that make every shared decision atomic in Redis.

Each script reads the server's clock with ``TIME`` (microseconds), so the fleet never compares
its members' local clocks: a reply carries *offsets* from the server's "now" ("your first slot
is 12 ms from now", "the pause ends 800 ms from now") that each process adds to its own
monotonic clock.  Redis >= 5 replicates scripts by effects, so ``TIME`` before a write is
allowed.  Integers only (microseconds, Lua doubles hold them exactly below 2**53); floats that
must survive (credits) travel as strings.

Breaker states are encoded ``0`` closed, ``1`` open, ``2`` half-open.  The open -> half-open
step happens lazily, in whichever script first reads the breaker after ``until``; both scripts
that read it do it the same way (and bump the generation, like every transition).
"""

from __future__ import annotations

from typing import Final

__all__ = ("BREAKER_LUA", "CREDITS_RESERVE_LUA", "CREDITS_SETTLE_LUA", "PAUSE_LUA", "RESERVE_LUA")

# Shared prologue: server time in microseconds, and the breaker hash with the lazy
# open -> half-open transition.  Expects KEYS[2] to be the breaker hash.
_PROLOGUE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local b = redis.call('HMGET', KEYS[2], 'st', 'gen', 'until', 'fails', 'succ')
local st = tonumber(b[1] or '0')
local gen = tonumber(b[2] or '0')
local till = tonumber(b[3] or '0')
local fails = tonumber(b[4] or '0')
local succ = tonumber(b[5] or '0')
local dirty = false
if st == 1 and now >= till then
  st = 2
  gen = gen + 1
  succ = 0
  dirty = true
end
"""

_SAVE_BREAKER: Final = """
if dirty then
  redis.call('HSET', KEYS[2], 'st', st, 'gen', gen, 'until', till, 'fails', fails, 'succ', succ)
  redis.call('PEXPIRE', KEYS[2], 86400000)
end
"""

#: Book up to N rate-limit slots (GCRA, virtual scheduling), one per requested horizon.
#:
#: KEYS: 1 theoretical arrival time (us), 2 breaker hash, 3 pause-until (us), 4 probe token.
#: ARGV: 1 interval (us; 0 = no rate limit), 2 probe token ('' = none), 3 probe TTL (ms),
#:       4 '1' to obey the breaker ('0': this caller has no breaker),
#:       5.. one horizon (us) per slot wanted, best lane first.
#: Slot i is booked only while ``tat - now <= horizon_i``: a lane may book at most its
#: horizon ahead of the server's now, so low lanes never hold a long queue of future slots
#: that a higher lane would have to wait behind.  Nothing is booked while the breaker is not
#: closed, except for the caller that holds the half-open probe (won by SET NX PX, or already
#: its own: a probe whose slot a horizon deferred asks again with the same token).
#: Returns {now, granted, first slot offset, retry offset, breaker state, generation,
#:          open left, failures, pause left, probe won} (all us).
RESERVE_LUA: Final = (
    _PROLOGUE
    + """
local probe = 0
if ARGV[2] ~= '' and st == 2 then
  if redis.call('GET', KEYS[4]) == ARGV[2] then
    probe = 1  -- already ours (won earlier, its slot not booked yet)
  elseif redis.call('SET', KEYS[4], ARGV[2], 'NX', 'PX', ARGV[3]) then
    probe = 1
  end
end
"""
    + _SAVE_BREAKER
    + """
local pause_until = tonumber(redis.call('GET', KEYS[3]) or '0')
local granted = 0
local first = 0
local retry = 0
if st == 0 or probe == 1 or ARGV[4] == '0' then
  local interval = tonumber(ARGV[1])
  if interval > 0 then
    local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
    if tat < now then tat = now end
    if tat < pause_until then tat = pause_until end
    first = tat - now
    for i = 5, #ARGV do
      local horizon = tonumber(ARGV[i])
      if tat - now > horizon then
        retry = tat - now - horizon
        break
      end
      tat = tat + interval
      granted = granted + 1
    end
    if granted > 0 then
      redis.call('SET', KEYS[1], string.format('%d', tat), 'PX',
                 math.floor((tat - now) / 1000) + 60000)
    end
  else
    granted = #ARGV - 4
    if pause_until > now then first = pause_until - now end
  end
end
local pause_left = 0
if pause_until > now then pause_left = pause_until - now end
local open_left = 0
if st == 1 then open_left = till - now end
return {now, granted, first, retry, st, gen, open_left, fails, pause_left, probe}
"""
)

#: Report one attempt's outcome to the shared breaker.
#:
#: KEYS: 1 unused (keeps KEYS[2] = breaker hash, as in the prologue), 2 breaker hash,
#:       3 probe token.
#: ARGV: 1 kind ('failure' | 'success' | 'probe_success' | 'probe_failure' | 'probe_release'),
#:       2 generation the permit was issued in, 3 fail_max, 4 reset timeout (us),
#:       5 success threshold, 6 probe token to release ('' = none).
#: An outcome from another generation only releases its probe token: a slow request that
#: started before a transition cannot close or reopen the breaker.
#: Returns {now, state, generation, open left, failures} (us).
BREAKER_LUA: Final = (
    _PROLOGUE
    + """
if ARGV[6] ~= '' and redis.call('GET', KEYS[3]) == ARGV[6] then
  redis.call('DEL', KEYS[3])
end
local kind = ARGV[1]
if tonumber(ARGV[2]) == gen then
  if kind == 'failure' and st == 0 then
    fails = fails + 1
    if fails >= tonumber(ARGV[3]) then
      st = 1
      gen = gen + 1
      till = now + tonumber(ARGV[4])
      fails = 0
    end
    dirty = true
  elseif kind == 'success' and st == 0 and fails > 0 then
    fails = 0
    dirty = true
  elseif kind == 'probe_success' and st == 2 then
    succ = succ + 1
    if succ >= tonumber(ARGV[5]) then
      st = 0
      gen = gen + 1
      fails = 0
      succ = 0
    end
    dirty = true
  elseif kind == 'probe_failure' and st == 2 then
    st = 1
    gen = gen + 1
    till = now + tonumber(ARGV[4])
    succ = 0
    dirty = true
  end
end
"""
    + _SAVE_BREAKER
    + """
local open_left = 0
if st == 1 then open_left = till - now end
return {now, st, gen, open_left, fails}
"""
)

#: Extend the source-wide pause (pauses only ever extend).
#: KEYS: 1 pause-until (us).  ARGV: 1 seconds from now (us).  Returns {now, pause left (us)}.
PAUSE_LUA: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = now + tonumber(ARGV[1])
if want > cur then
  local ttl = math.floor((want - now) / 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%d', want), 'PX', ttl)
  cur = want
end
local left = 0
if cur > now then left = cur - now end
return {now, left}
"""

# Reservations are members "token|cost" of a sorted set scored by their expiry (ms), so a
# worker that dies between reserve and settle leaks its reservation for at most its TTL.
_LIVE_RESERVATIONS: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local reserved = 0
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  reserved = reserved + tonumber(string.match(m, '|(.*)$'))
end
"""

#: Reserve ``cost`` credits for one call, unless the account's last reported remaining credits
#: minus every reservation in flight would fall below ``floor``.
#: KEYS: 1 credits hash (remaining, used, spent), 2 reservations zset.
#: ARGV: 1 member "token|cost", 2 cost, 3 reservation TTL (ms), 4 floor.
#: Returns {ok (1/0), remaining ('' = unknown), reserved (before this call)} as strings.
CREDITS_RESERVE_LUA: Final = (
    _LIVE_RESERVATIONS
    + """
local remaining = redis.call('HGET', KEYS[1], 'remaining')
if remaining then
  if tonumber(remaining) - reserved - tonumber(ARGV[2]) < tonumber(ARGV[4]) then
    return {0, remaining, tostring(reserved)}
  end
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {1, remaining or '', tostring(reserved)}
"""
)

#: Settle a call: drop its reservation, add what it was charged to ``spent`` and take the
#: account's remaining/used credits from its response headers.  Replies arrive out of order,
#: so a header set is taken only if it is not older than the stored one: ``used`` never goes
#: down, except at a billing-period reset.  A stale reply and a reset look alike (lower
#: ``used``, higher ``remaining``), so a lower ``used`` is taken only once the stored value has
#: not been confirmed for ``stale_window`` (longer than any request): after a reset the fleet
#: keeps the old, lower figure for at most that long (it errs on the side of not spending).
#: Without headers, ``remaining`` is lowered by the charge.
#: KEYS: as for reserve.  ARGV: 1 member ('' = none), 2 charged, 3 remaining ('' = unknown),
#:       4 used ('' = unknown), 5 stale window (ms).
#: Returns {remaining, used, spent} as strings ('' = unknown).
CREDITS_SETTLE_LUA: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] ~= '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local charged = tonumber(ARGV[2])
if charged > 0 then
  redis.call('HINCRBYFLOAT', KEYS[1], 'spent', ARGV[2])
end
local cur = redis.call('HMGET', KEYS[1], 'remaining', 'used', 'at')
if ARGV[3] ~= '' then
  local rem = tonumber(ARGV[3])
  local take = false
  if not cur[1] then
    take = true
  elseif ARGV[4] ~= '' and cur[2] then
    local used = tonumber(ARGV[4])
    local cur_used = tonumber(cur[2])
    if used > cur_used then
      take = true
    elseif used == cur_used then
      take = rem <= tonumber(cur[1])
    else
      take = now - tonumber(cur[3] or '0') > tonumber(ARGV[5])
    end
  else
    take = rem < tonumber(cur[1])
  end
  if take then
    redis.call('HSET', KEYS[1], 'remaining', ARGV[3], 'at', string.format('%d', now))
    if ARGV[4] ~= '' then
      redis.call('HSET', KEYS[1], 'used', ARGV[4])
    end
  end
elseif charged > 0 and cur[1] then
  redis.call('HINCRBYFLOAT', KEYS[1], 'remaining', -charged)
end
local out = redis.call('HMGET', KEYS[1], 'remaining', 'used', 'spent')
return {out[1] or '', out[2] or '', out[3] or ''}
"""
