"""REST API of the inventory: devices, donors, collections, locations and scans."""
