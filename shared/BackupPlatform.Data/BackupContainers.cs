using System.Text.RegularExpressions;

namespace BackupPlatform.Data;

/// <summary>
/// What a tenant may name as a backup's container. Cinder allows any string of up to 255 characters and
/// lets the driver cope; here the name becomes a posix directory, a Swift container or an S3 prefix, so it
/// is held to what all three take as one plain name: 1-255 ASCII letters, digits, '_', '-', '.', beginning
/// with a letter or digit. That leaves out '/', "..", absolute paths and the store's own layout prefixes.
/// </summary>
public static partial class BackupContainers
{
    public const int MaxLength = 255;

    public static bool IsValid(string? container) => container is not null && Pattern().IsMatch(container);

    /// <summary>
    /// A container a Cinder record names: Cinder's posix and NFS drivers make it a relative path
    /// ("ab/cd/&lt;volume id&gt;"), so here it may be up to 255 characters of plain names joined by single '/'
    /// (each name as above: no "..", no empty or absolute part). Only imports of Cinder's records take it.
    /// </summary>
    public static bool IsValidCinderPath(string? container) =>
        container is { Length: > 0 and <= MaxLength } && container.Split('/').All(part => Pattern().IsMatch(part));

    public static string Refusal(string container) =>
        $"Invalid input for field/attribute container. Value: {(container.Length <= 64 ? container : container[..64] + "...")}. " +
        "A container is 1 to 255 characters: letters, digits, '_', '-' and '.', beginning with a letter or digit.";

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.\-]{0,254}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
