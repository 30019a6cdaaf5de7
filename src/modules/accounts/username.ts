// The username rule, in one place for the API, ADMIN_USERNAME and create-admin.
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const USERNAME_RULE = 'must be 3 to 50 letters, digits, dots, dashes or underscores';

export const isValidUsername = (name: string): boolean => name.length >= 3 && name.length <= 50 && USERNAME_PATTERN.test(name);
