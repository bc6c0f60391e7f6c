namespace BackupPlatform.Data;

/// <summary>What a journal row records.</summary>
public static class JournalKinds
{
    public const string Send = "send";
    public const string Publish = "publish";
    public const string Consume = "consume";

    /// <summary>A message the transport received but could not hand to a consumer (did not deserialize).</summary>
    public const string Receive = "receive";
}
