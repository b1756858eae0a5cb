package dev.vigil.app.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in this JVM: one LRU block cache shared by all
 * stores, with memtables charged to it through a {@link WriteBufferManager}, and index and filter
 * blocks cached (high priority) rather than held outside the budget. The budget comes from {@link
 * #MEMORY_BYTES_CONFIG}; a quarter of it may be memtables.
 */
public final class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

  /** Config key: the total RocksDB memory budget of this instance, in bytes. */
  public static final String MEMORY_BYTES_CONFIG = "vigil.rocksdb.memory.bytes";

  /** Default budget: 128 MiB. */
  public static final long DEFAULT_MEMORY_BYTES = 128L * 1024 * 1024;

  private static final long WRITE_BUFFER_BYTES = 4L * 1024 * 1024;
  private static final long ARENA_BLOCK_BYTES = 64L * 1024;

  private static Cache cache;
  private static WriteBufferManager writeBuffers;
  private static long budget;

  /** Created by Kafka Streams for each store. */
  public BoundedMemoryRocksDbConfig() {}

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object v = configs.get(MEMORY_BYTES_CONFIG);
    long bytes = v == null ? DEFAULT_MEMORY_BYTES : Long.parseLong(v.toString());
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    synchronized (BoundedMemoryRocksDbConfig.class) {
      if (cache == null) {
        budget = bytes;
        // Half the cache's high-priority pool keeps index and filter blocks from being evicted.
        cache = new LRUCache(bytes, -1, false, 0.1);
        writeBuffers = new WriteBufferManager(bytes / 4, cache);
      }
      table.setBlockCache(cache);
      options.setWriteBufferManager(writeBuffers);
    }
    // RocksDB charges each memtable's arena blocks (write buffer size / 8 by default: 2 MiB under
    // Kafka Streams' 16 MiB) to the write buffer manager as soon as it takes a write. With dozens
    // of
    // stores (stores x partitions) the idle arenas alone exceed the budget, and the manager then
    // flushes a memtable on nearly every write: tiny SST files, compactions, write stalls. Small
    // arena blocks keep an idle store's charge to a few KiB.
    options.setWriteBufferSize(WRITE_BUFFER_BYTES);
    options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store and live as long as the JVM.
  }

  /** The budget in force (the first configured one in this JVM), or 0 before any store opened. */
  public static synchronized long budgetBytes() {
    return budget;
  }
}
