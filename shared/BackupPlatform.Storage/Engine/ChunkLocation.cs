namespace BackupPlatform.Storage.Engine;

/// <summary>Where a chunk's stored blob lives: a pack, the blob's offset in it and its stored (encoded) length.</summary>
public readonly record struct ChunkLocation(Guid Pack, long Offset, int Length);
