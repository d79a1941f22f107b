import journal from "./meta/_journal.json";
import m0000 from "./0000_init.sql";
import m0001 from "./0001_shards.sql";
import m0002 from "./0002_tx_keys.sql";
import m0003 from "./0003_validator.sql";
import m0004 from "./0004_peers_finality.sql";
import m0005 from "./0005_archive.sql";
import m0006 from "./0006_block_log.sql";
import m0007 from "./0007_coordinator_rows.sql";
import m0008 from "./0008_state_nodes.sql";
import m0009 from "./0009_tx_hashed.sql";
import m0010 from "./0010_witness_reads.sql";
import m0011 from "./0011_kept_chunks.sql";
import m0012 from "./0012_applied_in_chunks.sql";
import m0013 from "./0013_pledge_hints_gone.sql";
import m0014 from "./0014_release_landed.sql";
import m0015 from "./0015_settle_named.sql";

export default {
  journal,
  migrations: {
    m0000,
    m0001,
    m0002,
    m0003,
    m0004,
    m0005,
    m0006,
    m0007,
    m0008,
    m0009,
    m0010,
    m0011,
    m0012,
    m0013,
    m0014,
    m0015,
  },
};
