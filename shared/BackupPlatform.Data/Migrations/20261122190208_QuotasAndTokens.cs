using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class QuotasAndTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "auth_tokens",
                columns: table => new
                {
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    project_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    roles = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    description = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_auth_tokens", x => x.token_hash);
                });

            migrationBuilder.CreateTable(
                name: "quota_usages",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    resource = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    in_use = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quota_usages", x => new { x.project_id, x.resource });
                });

            migrationBuilder.CreateTable(
                name: "quotas",
                columns: table => new
                {
                    project_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    resource = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    hard_limit = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_quotas", x => new { x.project_id, x.resource });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "auth_tokens");

            migrationBuilder.DropTable(
                name: "quota_usages");

            migrationBuilder.DropTable(
                name: "quotas");
        }
    }
}
