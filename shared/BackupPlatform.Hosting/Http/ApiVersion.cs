using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace BackupPlatform.Hosting.Http;

/// <summary>
/// A Cinder microversion ("3.43"), as negotiated per request from the OpenStack-API-Version header
/// (cinder/api/openstack/api_version_request.py). Comparable, so endpoints gate with <c>version &gt;= ApiVersion.Metadata</c>.
/// </summary>
public readonly partial record struct ApiVersion(int Major, int Minor) : IComparable<ApiVersion>
{
    public static readonly ApiVersion Min = new(3, 0);
    public static readonly ApiVersion Max = new(3, 71);

    /// <summary>PUT /backups/{id}.</summary>
    public static readonly ApiVersion BackupUpdate = new(3, 9);

    /// <summary>os-backup-project-attr:project_id in the detail view (admin).</summary>
    public static readonly ApiVersion BackupProjectAttribute = new(3, 18);

    /// <summary>List filters checked against the configured set (name, status, volume_id).</summary>
    public static readonly ApiVersion ResourceFilters = new(3, 31);

    /// <summary>"~" like-filters.</summary>
    public static readonly ApiVersion LikeFilters = new(3, 34);

    /// <summary>Sort by "name".</summary>
    public static readonly ApiVersion BackupSortName = new(3, 37);

    /// <summary>Backup metadata: create, update, show.</summary>
    public static readonly ApiVersion BackupMetadata = new(3, 43);

    /// <summary>with_count → count in lists.</summary>
    public static readonly ApiVersion Count = new(3, 45);

    /// <summary>availability_zone in backup create.</summary>
    public static readonly ApiVersion BackupAvailabilityZone = new(3, 51);

    /// <summary>user_id in the detail view (admin).</summary>
    public static readonly ApiVersion BackupUserId = new(3, 56);

    public const string Header = "OpenStack-API-Version";
    private const string ServiceType = "volume";
    private const string ItemKey = "BackupPlatform.ApiVersion";

    public int CompareTo(ApiVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(ApiVersion left, ApiVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(ApiVersion left, ApiVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(ApiVersion left, ApiVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ApiVersion left, ApiVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>"3.43" → 3.43; anything else ("3", "3.05", " 3.1", "v3.1") → null, by Cinder's own pattern.</summary>
    public static ApiVersion? Parse(string text)
    {
        var match = Format().Match(text);
        if (!match.Success
            || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        return new ApiVersion(major, minor);
    }

    /// <summary>
    /// The version a request asked for: header absent → 3.0; "latest" → the maximum. The header may list
    /// several services ("compute 2.1, volume 3.43"); the volume entry counts.
    /// </summary>
    public static (ApiVersion Version, IResult? Error) Negotiate(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values))
        {
            return (Min, null);
        }

        var entry = string.Join(',', values.ToArray())
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split(' ', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(e => e.Length > 0 && string.Equals(e[0], ServiceType, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            return (Min, CinderFault.BadRequest($"{Header} header has no '{ServiceType}' entry."));
        }

        if (entry.Length < 2)
        {
            return (Min, CinderFault.BadRequest($"API Version String {ServiceType} is of invalid format. Must be of format MajorNum.MinorNum."));
        }

        if (string.Equals(entry[1], "latest", StringComparison.OrdinalIgnoreCase))
        {
            return (Max, null);
        }

        if (Parse(entry[1]) is not { } version)
        {
            return (Min, CinderFault.BadRequest($"API Version String {entry[1]} is of invalid format. Must be of format MajorNum.MinorNum."));
        }

        if (version < Min || version > Max)
        {
            return (Min, CinderFault.Fault(
                "notAcceptable",
                StatusCodes.Status406NotAcceptable,
                $"Version {version} is not supported by the API. Minimum is {Min} and maximum is {Max}."));
        }

        return (version, null);
    }

    /// <summary>The version negotiated for this request (3.0 outside /v3).</summary>
    public static ApiVersion Of(HttpContext context) => context.Items[ItemKey] is ApiVersion version ? version : Min;

    [GeneratedRegex(@"^([1-9][0-9]{0,8})\.([1-9][0-9]{0,8}|0)$", RegexOptions.CultureInvariant)]
    private static partial Regex Format();

    internal void Attach(HttpContext context) => context.Items[ItemKey] = this;
}
