using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class HostDraining : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "draining",
                table: "backup_services",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "draining",
                table: "backup_services");
        }
    }
}
