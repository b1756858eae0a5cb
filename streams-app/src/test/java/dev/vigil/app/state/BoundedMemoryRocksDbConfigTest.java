package dev.vigil.app.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedMemoryRocksDbConfigTest {

  static {
    RocksDB.loadLibrary();
  }

  @Test
  void shouldKeepAnIdleStoresMemtableChargeSmallSoTheSharedBudgetDoesNotForceFlushes() {
    // Given a store's options as Kafka Streams hands them over (16 MiB write buffers)
    try (Options options = new Options()) {
      options.setWriteBufferSize(16L * 1024 * 1024);
      options.setTableFormatConfig(new BlockBasedTableConfig());

      // When Vigil's config setter runs
      new BoundedMemoryRocksDbConfig()
          .setConfig(
              "login-subject-baselines",
              options,
              Map.of(BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG, String.valueOf(64L << 20)));

      // Then memtables are small and allocate small arena blocks, and the cache is bounded
      assertThat(options.writeBufferSize()).isEqualTo(4L * 1024 * 1024);
      assertThat(options.arenaBlockSize()).isEqualTo(64L * 1024);
      BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(BoundedMemoryRocksDbConfig.budgetBytes()).isPositive();
    }
  }
}
