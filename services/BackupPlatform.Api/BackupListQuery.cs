using System.Globalization;
using System.Linq.Expressions;
using BackupPlatform.Data;
using BackupPlatform.Hosting.Http;

namespace BackupPlatform.Api;

/// <summary>
/// The query of GET /backups and /backups/detail as Cinder reads it (contrib/backups.py::_get_backups,
/// api/common.py): filters, sort keys and directions, limit/marker/offset, with_count, all_tenants.
/// Parsing answers every malformed parameter with its own 400; applying it never throws for tenant input.
/// </summary>
public sealed class BackupListQuery
{
    public const int MaxLimit = 1000;

    /// <summary>The filters a tenant may use (etc/cinder/resource_filters.json, "backup").</summary>
    private static readonly string[] TenantFilters = ["name", "status", "volume_id"];

    private static readonly HashSet<string> Paging = new(StringComparer.Ordinal) { "limit", "marker", "offset", "sort", "sort_key", "sort_dir", "with_count", "all_tenants" };

    private readonly List<(string Key, string Value, bool Like)> _filters = [];
    private readonly List<(string Key, bool Descending)> _sort = [];

    private BackupListQuery()
    {
    }

    public int? Limit { get; private set; }

    public int Offset { get; private set; }

    public string? Marker { get; private set; }

    public bool WithCount { get; private set; }

    public bool AllTenants { get; private set; }

    /// <summary>The page size that earns a next link: the limit asked for, or the maximum.</summary>
    public int PageSize => Math.Min(Limit ?? MaxLimit, MaxLimit);

    public static (BackupListQuery? Query, IResult? Error) Parse(IQueryCollection query, ApiVersion version, bool isAdmin)
    {
        var parsed = new BackupListQuery();
        string? Last(string key) => query.TryGetValue(key, out var values) && values.Count > 0 ? values[^1] : null;

        if (Last("all_tenants") is { } allTenants)
        {
            if (ParseBoolean(allTenants) is not { } all)
            {
                return (null, CinderFault.BadRequest($"all_tenants must be a boolean, got '{allTenants}'."));
            }

            // Silently ignored for tenants, as Cinder's policy does.
            parsed.AllTenants = all && isAdmin;
        }

        if (Last("with_count") is { } withCount && version >= ApiVersion.Count)
        {
            if (ParseBoolean(withCount) is not { } count)
            {
                return (null, CinderFault.BadRequest($"Invalid value '{withCount}' for with_count: it must be a boolean."));
            }

            parsed.WithCount = count;
        }

        if (Last("limit") is { } limit)
        {
            if (!int.TryParse(limit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return (null, CinderFault.BadRequest("limit param must be an integer"));
            }

            if (value < 0)
            {
                return (null, CinderFault.BadRequest("limit param must be positive"));
            }

            parsed.Limit = value;
        }

        if (Last("offset") is { } offset)
        {
            if (!int.TryParse(offset, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return (null, CinderFault.BadRequest("offset param must be an integer"));
            }

            if (value < 0)
            {
                return (null, CinderFault.BadRequest("offset param must be positive"));
            }

            parsed.Offset = value;
        }

        parsed.Marker = Last("marker");
        if (parsed.ParseSort(Last("sort"), Last("sort_key"), Last("sort_dir"), version) is { } sortError)
        {
            return (null, sortError);
        }

        var unknown = new List<string>();
        foreach (var key in query.Keys.Where(k => !Paging.Contains(k)))
        {
            var like = key.EndsWith('~') && version >= ApiVersion.LikeFilters;
            var name = like ? key[..^1] : key;
            if (!isAdmin && !TenantFilters.Contains(name))
            {
                unknown.Add(key);
                continue;
            }

            parsed._filters.Add((name, Last(key) ?? string.Empty, like));
        }

        // Below 3.31 a tenant's unknown filters are dropped; from 3.31 they are refused.
        if (unknown.Count > 0 && version >= ApiVersion.ResourceFilters)
        {
            return (null, CinderFault.BadRequest($"Invalid filters {string.Join(',', unknown)} are found in query options."));
        }

        return (parsed, null);
    }

    /// <summary>Filters and order; the caller's project unless an administrator asked for all_tenants.</summary>
    public IQueryable<Backup> Apply(IQueryable<Backup> backups, string projectId)
    {
        backups = backups.Where(b => !b.Deleted);
        if (!AllTenants)
        {
            backups = backups.Where(b => b.ProjectId == projectId);
        }

        foreach (var (key, value, like) in _filters)
        {
            backups = Filter(backups, key, value, like);
        }

        IOrderedQueryable<Backup>? ordered = null;
        foreach (var (key, descending) in _sort)
        {
            ordered = Order(backups, ordered, key, descending);
        }

        // A unique last key keeps pages stable when the sort keys tie.
        return Order(backups, ordered, "id", _sort[^1].Descending);
    }

    private IResult? ParseSort(string? sort, string? sortKey, string? sortDir, ApiVersion version)
    {
        if (sort is not null && (sortKey is not null || sortDir is not null))
        {
            return CinderFault.BadRequest("The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.");
        }

        var pairs = sort is not null
            ? sort.Split(',').Select(s => (Key: s.Split(':', 2)[0].Trim(), Dir: s.Contains(':', StringComparison.Ordinal) ? s.Split(':', 2)[1].Trim() : "desc"))
            : [(Key: (sortKey ?? "created_at").Trim(), Dir: (sortDir ?? "desc").Trim())];
        foreach (var (rawKey, dir) in pairs)
        {
            var key = rawKey == "name" && version >= ApiVersion.BackupSortName ? "display_name" : rawKey;
            if (!Sortable.Contains(key))
            {
                return CinderFault.BadRequest("Invalid input received: Invalid sort key");
            }

            if (dir is not ("asc" or "desc"))
            {
                return CinderFault.BadRequest("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
            }

            // A key already sorted on orders nothing more: dropping repeats bounds the sort by the columns (a
            // thousand repeats once overflowed the stack in the query translation).
            if (!_sort.Exists(s => s.Key == key))
            {
                _sort.Add((key, dir == "desc"));
            }
        }

        return null;
    }

    private static readonly HashSet<string> Sortable = new(StringComparer.Ordinal)
    {
        "id", "created_at", "updated_at", "data_timestamp", "status", "size", "object_count", "display_name", "display_description",
        "volume_id", "snapshot_id", "availability_zone", "container", "project_id", "user_id",
    };

    private static IOrderedQueryable<Backup> Order(IQueryable<Backup> source, IOrderedQueryable<Backup>? ordered, string key, bool descending) => key switch
    {
        "created_at" => By(source, ordered, b => b.CreatedAt, descending),
        "updated_at" => By(source, ordered, b => b.UpdatedAt, descending),
        "data_timestamp" => By(source, ordered, b => b.DataTimestamp, descending),
        "status" => By(source, ordered, b => b.Status, descending),
        "size" => By(source, ordered, b => b.Size, descending),
        "object_count" => By(source, ordered, b => b.ObjectCount, descending),
        "display_name" => By(source, ordered, b => b.DisplayName, descending),
        "display_description" => By(source, ordered, b => b.DisplayDescription, descending),
        "volume_id" => By(source, ordered, b => b.VolumeId, descending),
        "snapshot_id" => By(source, ordered, b => b.SnapshotId, descending),
        "availability_zone" => By(source, ordered, b => b.AvailabilityZone, descending),
        "container" => By(source, ordered, b => b.Container, descending),
        "project_id" => By(source, ordered, b => b.ProjectId, descending),
        "user_id" => By(source, ordered, b => b.UserId, descending),
        _ => By(source, ordered, b => b.Id, descending),
    };

    private static IOrderedQueryable<Backup> By<TKey>(IQueryable<Backup> source, IOrderedQueryable<Backup>? ordered, Expression<Func<Backup, TKey>> key, bool descending) =>
        ordered is null
            ? descending ? source.OrderByDescending(key) : source.OrderBy(key)
            : descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);

    /// <summary>Exact or "like" match on a column; an administrator's key that is no column, or a value of the wrong type, matches nothing (as in Cinder).</summary>
    private static IQueryable<Backup> Filter(IQueryable<Backup> backups, string key, string value, bool like)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // No column holds NUL (PostgreSQL text cannot), and the database would refuse the query.
            return backups.Where(_ => false);
        }

        switch (key)
        {
            case "name" or "display_name":
                return like ? backups.Where(b => b.DisplayName != null && b.DisplayName.Contains(value)) : backups.Where(b => b.DisplayName == value);
            case "description" or "display_description":
                return like ? backups.Where(b => b.DisplayDescription != null && b.DisplayDescription.Contains(value)) : backups.Where(b => b.DisplayDescription == value);
            case "status":
                return like ? backups.Where(b => b.Status.Contains(value)) : backups.Where(b => b.Status == value);
            case "availability_zone":
                return like ? backups.Where(b => b.AvailabilityZone != null && b.AvailabilityZone.Contains(value)) : backups.Where(b => b.AvailabilityZone == value);
            case "container":
                return like ? backups.Where(b => b.Container != null && b.Container.Contains(value)) : backups.Where(b => b.Container == value);
            case "project_id":
                return backups.Where(b => b.ProjectId == value);
            case "user_id":
                return backups.Where(b => b.UserId == value);
            case "volume_id" when Guid.TryParse(value, out var volumeId):
                return backups.Where(b => b.VolumeId == volumeId);
            case "snapshot_id" when Guid.TryParse(value, out var snapshotId):
                return backups.Where(b => b.SnapshotId == snapshotId);
            case "id" when Guid.TryParse(value, out var id):
                return backups.Where(b => b.Id == id);
            case "parent_id" when Guid.TryParse(value, out var parentId):
                return backups.Where(b => b.ParentId == parentId);
            case "size" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                return backups.Where(b => b.Size == size);
            default:
                return backups.Where(_ => false);
        }
    }

    /// <summary>oslo's strict bool_from_string.</summary>
    private static bool? ParseBoolean(string value) => value.Trim().ToLowerInvariant() switch
    {
        "1" or "t" or "true" or "on" or "y" or "yes" => true,
        "0" or "f" or "false" or "off" or "n" or "no" => false,
        _ => null,
    };
}
