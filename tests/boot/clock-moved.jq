# clock-moved.jq - env.clock.moved checked against the measurements the document itself holds
# (used by 35-topology-clock.sh and 36-linux-clock.sh): per series (processor 0 alone; each
# processor while all run at once), from env.clock.compared_from on, the widest (max - min) / min;
# moved must be true when that is above the 2% threshold and false when below (values within
# 1e-6 of it are not judged: the document's 12 digits), spread must equal it, spread_of must
# name its ends, and env.degraded must carry one "core_clock" note exactly when moved.
.env.clock as $c
| ([$c.measurements[].when] | index([$c.compared_from])) as $from
| $c.measurements[$from:] as $m
| ([[$m[].hz]]
   + [range(0; [$m[] | (.all_core_hz // []) | length] | max) as $k | [$m[] | .all_core_hz[$k]? // empty]]
  | map(map(select(. > 0)) | select(length >= 2) | (max - min) / min) | (max // 0)) as $spread
| ([.env.degraded[] | select(.what == "core_clock")]) as $notes
| $c.moved_threshold == 0.02 and $from != null and $c.compared == ($m | length)
  and (if $spread > $c.moved_threshold * 1.000001 then $c.moved == true
       elif $spread < $c.moved_threshold * 0.999999 then $c.moved == false
       else ($c.moved | type) == "boolean" end)
  and (($c.spread - $spread) | fabs) <= 1e-9
  and (if $spread > 0 then (($c.spread_of.high.hz - $c.spread_of.low.hz) / $c.spread_of.low.hz - $spread | fabs) <= 1e-9
       else true end)
  and (if $c.moved then ($notes | length) == 1 and ($notes[0].note | startswith("moved "))
       else ($notes | length) == 0 end)
